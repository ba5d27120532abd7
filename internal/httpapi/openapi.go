package httpapi

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"

	"github.com/desa-api/desa-api/api"
	"github.com/desa-api/desa-api/docs"
)

// OpenAPI3 returns the OpenAPI 3 document converted from swag's Swagger 2.0
// output, the document /openapi.json serves and tests validate against.
func OpenAPI3() (*openapi3.T, error) {
	var v2 openapi2.T
	if err := json.Unmarshal([]byte(docs.SwaggerInfo.ReadDoc()), &v2); err != nil {
		return nil, fmt.Errorf("httpapi: read swagger docs: %w", err)
	}
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, fmt.Errorf("httpapi: convert swagger docs: %w", err)
	}
	return v3, nil
}

func openAPI3() ([]byte, error) {
	v3, err := OpenAPI3()
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(v3, "", "  ")
}

// openAPI godoc
//
//	@Summary	The OpenAPI 3 document of this API
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	object
//	@Router		/openapi.json [get]
func (h *handlers) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, h.openapi)
}

var swaggerUI = echoSwagger.WrapHandler

// swaggerUI serves the Swagger UI at /swagger/index.html.
func (h *handlers) swaggerUI(c echo.Context) error {
	if c.Param("*") == "" {
		return c.Redirect(http.StatusMovedPermanently, "/swagger/index.html")
	}
	return swaggerUI(c)
}

// problemDoc serves the documentation of a problem type.
func (h *handlers) problemDoc(c echo.Context) error {
	b, err := fs.ReadFile(api.Problems, "problems/"+c.Param("slug")+".md")
	if err != nil {
		return echo.ErrNotFound
	}
	return c.Blob(http.StatusOK, "text/markdown; charset=utf-8", b)
}
