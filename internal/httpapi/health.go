package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
)

// Health is the body of /healthz and /readyz.
type Health struct {
	Status string `json:"status" validate:"required" example:"ok"`
} //	@name	Health

// healthz godoc
//
//	@Summary	Liveness: the process is up
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	Health
//	@Failure	401	{object}	Problem
//	@Router		/healthz [get]
func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, Health{"ok"})
}

// readyz godoc
//
//	@Summary	Readiness: the database answers
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	Health
//	@Failure	401	{object}	Problem
//	@Failure	503	{object}	Problem
//	@Router		/readyz [get]
func (h *handlers) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.svc.Ping(ctx); err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "the database is not reachable")
	}
	return c.JSON(http.StatusOK, Health{"ok"})
}
