package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/auth"
)

// reads are the methods of every read: HEAD wherever GET is (RFC 9110
// §9.3.2), the same answer without its body (see head).
var reads = []string{http.MethodGet, http.MethodHead}

// routes installs every route of the API; this list is the API surface.
func routes(e *echo.Echo, h *handlers) {
	regions := requireScope(auth.ScopeWriteRegions)
	indicators := requireScope(auth.ScopeWriteIndicators)
	programs := requireScope(auth.ScopeWritePrograms)
	admin := requireScope(auth.ScopeAdmin)

	e.Match(reads, "/healthz", h.healthz)
	e.Match(reads, "/readyz", h.readyz)
	e.Match(reads, "/metrics", h.metrics.handler())
	e.Match(reads, "/openapi.json", h.openAPI)
	e.Match(reads, "/swagger/*", h.swaggerUI)
	e.Match(reads, "/problems/:slug", h.problemDoc)

	v1 := e.Group("/v1")

	v1.Match(reads, "/provinces", h.listProvinces)
	v1.POST("/provinces", h.createProvince, regions)
	v1.Match(reads, "/provinces/:code", h.getProvince)
	v1.PATCH("/provinces/:code", h.patchProvince, regions)
	v1.DELETE("/provinces/:code", h.deleteProvince, regions)

	v1.Match(reads, "/regencies", h.listRegencies)
	v1.POST("/regencies", h.createRegency, regions)
	v1.Match(reads, "/regencies/:code", h.getRegency)
	v1.PATCH("/regencies/:code", h.patchRegency, regions)
	v1.DELETE("/regencies/:code", h.deleteRegency, regions)

	v1.Match(reads, "/districts", h.listDistricts)
	v1.POST("/districts", h.createDistrict, regions)
	v1.Match(reads, "/districts/:code", h.getDistrict)
	v1.PATCH("/districts/:code", h.patchDistrict, regions)
	v1.DELETE("/districts/:code", h.deleteDistrict, regions)

	v1.Match(reads, "/villages", h.listVillages)
	v1.POST("/villages", h.createVillage, regions)
	v1.Match(reads, "/villages/:code", h.getVillage)
	v1.Match(reads, "/villages/:code/scores", h.villageScores)
	v1.Match(reads, "/villages/:code/indicators", h.villageIndicators)
	v1.Match(reads, "/villages/:code/scores/:framework/:year", h.getScore)
	v1.PUT("/villages/:code/scores/:framework/:year", h.putScore, indicators)
	v1.PATCH("/villages/:code", h.patchVillage, regions)
	v1.DELETE("/villages/:code", h.deleteVillage, regions)

	v1.Match(reads, "/regions/:code", h.getRegion)
	v1.Match(reads, "/regions/:code/children", h.listChildren)
	v1.Match(reads, "/regions/:code/profile", h.regionProfile)
	v1.Match(reads, "/regions/:code/indicators", h.regionIndicators)
	v1.Match(reads, "/regions/:code/indicators/:indicator/:year", h.getIndicatorValue)
	v1.PUT("/regions/:code/indicators/:indicator/:year", h.putIndicatorValue, indicators)

	v1.Match(reads, "/frameworks", h.listFrameworks)
	v1.Match(reads, "/frameworks/:code", h.getFramework)

	v1.Match(reads, "/stats/status-distribution", h.statusDistribution)
	v1.Match(reads, "/stats/scores", h.scoreStats)
	v1.Match(reads, "/stats/transitions", h.transitions)
	v1.Match(reads, "/stats/transitions/villages", h.transitionVillages)
	v1.Match(reads, "/stats/trends", h.trends)
	v1.Match(reads, "/stats/compare", h.compare)
	v1.Match(reads, "/stats/rankings", h.rankings)
	v1.Match(reads, "/stats/gaps", h.gaps)
	v1.Match(reads, "/indicators", h.listIndicators)
	v1.POST("/indicators", h.createIndicator, admin)
	v1.Match(reads, "/indicators/:code", h.getIndicator)
	v1.PATCH("/indicators/:code", h.patchIndicator, admin)

	v1.POST("/imports", h.createImport, indicators, h.importLimit)
	v1.Match(reads, "/imports/:id", h.getImport)

	v1.Match(reads, "/agencies", h.listAgencies)
	v1.POST("/agencies", h.createAgency, programs)
	v1.Match(reads, "/agencies/:id", h.getAgency)
	v1.PATCH("/agencies/:id", h.patchAgency, programs)
	v1.DELETE("/agencies/:id", h.deleteAgency, programs)

	v1.Match(reads, "/programs", h.listPrograms)
	v1.POST("/programs", h.createProgram, programs)
	v1.Match(reads, "/programs/:id", h.getProgram)
	v1.PATCH("/programs/:id", h.patchProgram, programs)
	v1.DELETE("/programs/:id", h.deleteProgram, programs)
	v1.Match(reads, "/programs/:id/parties", h.listParties)
	v1.POST("/programs/:id/parties", h.addParty, programs)
	v1.Match(reads, "/programs/:id/parties/:party_id", h.getParty)
	v1.DELETE("/programs/:id/parties/:party_id", h.removeParty, programs)
	v1.Match(reads, "/programs/:id/budgets", h.listBudgets)
	v1.POST("/programs/:id/budgets", h.addBudget, programs)
	v1.Match(reads, "/programs/:id/budgets/:budget_id", h.getBudget)
	v1.PATCH("/programs/:id/budgets/:budget_id", h.patchBudget, programs)
	v1.DELETE("/programs/:id/budgets/:budget_id", h.deleteBudget, programs)
	v1.Match(reads, "/programs/:id/activities", h.listActivities)
	v1.POST("/programs/:id/activities", h.addActivity, programs)
	v1.Match(reads, "/programs/:id/activities/:activity_id", h.getActivity)
	v1.PATCH("/programs/:id/activities/:activity_id", h.patchActivity, programs)
	v1.DELETE("/programs/:id/activities/:activity_id", h.deleteActivity, programs)
	v1.Match(reads, "/programs/:id/villages", h.listTargets)
	v1.POST("/programs/:id/villages", h.addTargets, programs)
	v1.DELETE("/programs/:id/villages/:code", h.removeTarget, programs)
	v1.Match(reads, "/programs/:id/outcomes", h.getOutcome)

	v1.Match(reads, "/keys", h.listKeys, admin)
	v1.POST("/keys", h.createKey, admin)
	v1.DELETE("/keys/:id", h.revokeKey, admin)
	v1.Match(reads, "/audit", h.listAudit, admin)
	v1.Match(reads, "/changes", h.listChanges)
}
