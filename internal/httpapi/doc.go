// Package httpapi is the only package that speaks HTTP. It holds every route
// (routes.go), one file per resource with its handlers, request and response
// types and swag annotations, the problem+json error writer, middleware,
// paging and the CSV writer. Handlers bind, call a domain service, convert
// and return an error; errorHandler writes every failure.
//
//	@title						desa-api
//	@version					1.0
//	@description				Open JSON REST API for Indonesia's village development data: the official Kemendagri region hierarchy (Kepmendagri No. 300.2.2-2138 Tahun 2025 codes), village development indices (IDM from Kemendes PDTT) and inter-provincial cooperation programs.
//	@description				Region data: Kementerian Dalam Negeri (Kemendagri). Village index data: Kementerian Desa dan Pembangunan Daerah Tertinggal (Kemendes PDTT).
//	@description				Errors are RFC 9457 application/problem+json. Lists take limit, offset, sort, fields and format=csv.
//	@description				Lists and reports answer application/json or text/csv (Accept with q-values, or format=json|csv, which wins); other GETs answer application/json only, and 406 to format=csv or an Accept without JSON. Every GET also answers HEAD: the same status and headers, no body.
//	@license.name				MIT
//	@BasePath					/
//	@securityDefinitions.apikey	BearerKey
//	@in							header
//	@name						Authorization
//	@description				"Bearer <key>": an API key made with `desa-api keys create` or `POST /v1/keys`. Reads are open; writes need a key with the right scope, and a province-restricted key writes only inside its provinces (and programs where one of them is a party).
package httpapi
