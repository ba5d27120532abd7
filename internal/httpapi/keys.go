package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/region"
)

const keyContext = "desa.key"

// authenticate verifies an Authorization header when one is sent (a bad or
// revoked key is a 401 even on an open read) and remembers the key. With a
// rate limit (lim not nil), failed authentications count against the
// client IP's bucket.
func authenticate(keys *auth.Service, lim *limiter) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			secret, err := auth.ParseBearer(c.Request().Header.Get(echo.HeaderAuthorization))
			if err != nil {
				return lim.failed(c, err)
			}
			if secret != "" {
				if err := lim.beforeLookup(c); err != nil {
					return err
				}
				k, err := keys.Authenticate(c.Request().Context(), secret)
				if apperr.Is(err, apperr.Unauthorized) {
					return lim.failed(c, err)
				}
				if err != nil {
					return err
				}
				c.Set(keyContext, &k)
				c.SetRequest(c.Request().WithContext(auth.NewContext(c.Request().Context(), &k)))
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

// APIKey is a stored API key. Its secret is shown once, when it is made,
// and never again; prefix is its first characters, to recognise it.
type APIKey struct {
	ID         string     `json:"id" validate:"required" example:"3f0c2a9e5b7d4c1a8e6f0b2d4a6c8e01"`
	Name       string     `json:"name" validate:"required" example:"Biro Kesra Kaltim – dashboard sync"`
	Prefix     string     `json:"prefix" validate:"required" example:"desa_Zk3vQ1"`
	Scopes     []string   `json:"scopes" validate:"required" example:"write:programs"`
	Provinces  []string   `json:"provinces" validate:"required" example:"64"`
	CreatedAt  time.Time  `json:"created_at" validate:"required"`
	LastUsedAt *time.Time `json:"last_used_at" validate:"required" extensions:"x-nullable"`
	RevokedAt  *time.Time `json:"revoked_at" validate:"required" extensions:"x-nullable"`
} //	@name	APIKey

// APIKeyList is a page of keys.
type APIKeyList struct {
	Data []APIKey `json:"data" validate:"required"`
	Page Page     `json:"page" validate:"required"`
} //	@name	APIKeyList

// APIKeyInput is the body of a new key. provinces, when given, restrict
// the key's writes to those provinces (and to programs where one of them is
// a party).
type APIKeyInput struct {
	Name      string   `json:"name" example:"Biro Kesra Kaltim – dashboard sync"`
	Scopes    []string `json:"scopes" example:"write:programs" enums:"read,write:regions,write:indicators,write:programs,admin"`
	Provinces []string `json:"provinces,omitempty" example:"64"`
} //	@name	APIKeyInput

// NewAPIKey is a new key with its secret, which is shown this once.
type NewAPIKey struct {
	APIKey
	Secret string `json:"secret" validate:"required" example:"desa_Zk3vQ1mJ2bX9yT8rW7qP6oN5lK4jH3gF2dS1aZ0xC9v"`
} //	@name	NewAPIKey

func toAPIKey(k auth.Key) APIKey {
	out := APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scopes: make([]string, len(k.Scopes)),
		Provinces: k.Provinces, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
	for i, s := range k.Scopes {
		out.Scopes[i] = string(s)
	}
	if out.Provinces == nil {
		out.Provinces = []string{}
	}
	return out
}

// listKeys godoc
//
//	@Summary		List API keys
//	@Description	Revoked keys are listed too, with revoked_at. Secrets and their hashes are never shown. provinces is empty for a key that may write anywhere. last_used_at is written at most once a minute per key.
//	@Tags			keys
//	@Produce		json,text/csv
//	@Security		BearerKey
//	@Param			sort	query		string	false	"name, created_at; prefix - for descending"	default(created_at)
//	@Param			fields	query		string	false	"comma-separated fields to return"
//	@Param			format	query		string	false	"json or csv (or send Accept: text/csv); in CSV, scopes and provinces are JSON"	Enums(json, csv)
//	@Param			limit	query		int		false	"page size, 1–1000"																default(50)
//	@Param			offset	query		int		false	"rows to skip"																	default(0)
//	@Success		200		{object}	APIKeyList
//	@Header			200		{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Router			/v1/keys [get]
func (h *handlers) listKeys(c echo.Context) error {
	q := &query{c: c}
	f := auth.KeyFilter{Sort: q.sort(auth.KeySortFields), Page: q.page()}
	out := newListOut[APIKey](q)
	if q.err != nil {
		return q.err
	}
	ks, total, err := h.svc.Keys.Keys(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return out.write(c, convert(ks, toAPIKey), f.Page, total)
}

// createKey godoc
//
//	@Summary		Create an API key
//	@Description	Answers the key with its secret, which is shown this once: only its SHA-256 hash is stored. Scopes: read, write:regions, write:indicators, write:programs, admin (admin implies all). provinces (codes) restrict the key's writes to regions, scores and indicator values inside them, and to programs where one of them is a party. Each must name an existing province (422 otherwise).
//	@Tags			keys
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			body	body		APIKeyInput	true	"the new key"
//	@Success		201		{object}	NewAPIKey
//	@Header			201		{string}	Location	"the path of the new key"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/keys [post]
func (h *handlers) createKey(c echo.Context) error {
	var in APIKeyInput
	if err := bind(c, &in); err != nil {
		return err
	}
	scopes := make([]auth.Scope, len(in.Scopes))
	for i, s := range in.Scopes {
		scopes[i] = auth.Scope(s)
	}
	k, secret, err := h.svc.Keys.Create(c.Request().Context(), in.Name, scopes, in.Provinces)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/keys/"+k.ID)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, NewAPIKey{APIKey: toAPIKey(k), Secret: secret})
}

// revokeKey godoc
//
//	@Summary		Revoke an API key
//	@Description	The key is refused (401) from the very next request on, on every replica: keys are checked against the database on each request. The key stays listed, with revoked_at. Revoking a revoked key changes nothing.
//	@Tags			keys
//	@Security		BearerKey
//	@Param			id	path	string	true	"key id"
//	@Success		204
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/v1/keys/{id} [delete]
func (h *handlers) revokeKey(c echo.Context) error {
	if err := h.svc.Keys.Revoke(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
