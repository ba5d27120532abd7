//go:build !unix

package main

import "time"

// selfCPU is unknown here: drive reports no generator CPU.
func selfCPU() time.Duration { return 0 }
