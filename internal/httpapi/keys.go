package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/region"
)

const keyContext = "desa.key"

// authenticate verifies an Authorization header when one is sent (a bad or
// revoked key is a 401 even on an open read) and remembers the key.
func authenticate(keys *auth.Service) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			secret, err := auth.ParseBearer(c.Request().Header.Get(echo.HeaderAuthorization))
			if err != nil {
				return err
			}
			if secret != "" {
				k, err := keys.Authenticate(c.Request().Context(), secret)
				if err != nil {
					return err
				}
				c.Set(keyContext, &k)
			}
			withActor(c)
			return next(c)
		}
	}
}

// requireScope lets a request through only with a key carrying scope.
func requireScope(scope auth.Scope) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := auth.Require(keyOf(c), scope); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// keyOf returns the request's verified key, or nil.
func keyOf(c echo.Context) *auth.Key {
	k, _ := c.Get(keyContext).(*auth.Key)
	return k
}

// requireRegion checks the request's key against the province of a region
// code given in a path or body; a malformed code is left to validation.
func requireRegion(c echo.Context, code string) error {
	dotted, _, err := region.ParseCode(code)
	if err != nil {
		return nil
	}
	return auth.RequireRegion(keyOf(c), dotted)
}
