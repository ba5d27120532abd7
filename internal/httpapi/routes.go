package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/auth"
)

// routes installs every route of the API; this list is the API surface.
func routes(e *echo.Echo, h *handlers) {
	regions := requireScope(auth.ScopeWriteRegions)
	indicators := requireScope(auth.ScopeWriteIndicators)
	admin := requireScope(auth.ScopeAdmin)

	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/openapi.json", h.openAPI)
	e.GET("/swagger/*", h.swaggerUI)
	e.GET("/problems/:slug", h.problemDoc)

	v1 := e.Group("/v1")

	v1.GET("/provinces", h.listProvinces)
	v1.POST("/provinces", h.createProvince, regions)
	v1.GET("/provinces/:code", h.getProvince)
	v1.PATCH("/provinces/:code", h.patchProvince, regions)
	v1.DELETE("/provinces/:code", h.deleteProvince, regions)

	v1.GET("/regencies", h.listRegencies)
	v1.POST("/regencies", h.createRegency, regions)
	v1.GET("/regencies/:code", h.getRegency)
	v1.PATCH("/regencies/:code", h.patchRegency, regions)
	v1.DELETE("/regencies/:code", h.deleteRegency, regions)

	v1.GET("/districts", h.listDistricts)
	v1.POST("/districts", h.createDistrict, regions)
	v1.GET("/districts/:code", h.getDistrict)
	v1.PATCH("/districts/:code", h.patchDistrict, regions)
	v1.DELETE("/districts/:code", h.deleteDistrict, regions)

	v1.GET("/villages", h.listVillages)
	v1.POST("/villages", h.createVillage, regions)
	v1.GET("/villages/:code", h.getVillage)
	v1.GET("/villages/:code/scores", h.villageScores)
	v1.GET("/villages/:code/indicators", h.villageIndicators)
	v1.PUT("/villages/:code/scores/:framework/:year", h.putScore, indicators)
	v1.PATCH("/villages/:code", h.patchVillage, regions)
	v1.DELETE("/villages/:code", h.deleteVillage, regions)

	v1.GET("/regions/:code", h.getRegion)
	v1.GET("/regions/:code/children", h.listChildren)
	v1.GET("/regions/:code/indicators", h.regionIndicators)
	v1.PUT("/regions/:code/indicators/:indicator/:year", h.putIndicatorValue, indicators)

	v1.GET("/frameworks", h.listFrameworks)
	v1.GET("/frameworks/:code", h.getFramework)

	v1.GET("/indicators", h.listIndicators)
	v1.POST("/indicators", h.createIndicator, admin)
	v1.GET("/indicators/:code", h.getIndicator)
	v1.PATCH("/indicators/:code", h.patchIndicator, admin)

	v1.POST("/imports", h.createImport, indicators, h.importLimit)
	v1.GET("/imports/:id", h.getImport)
}
