#!/usr/bin/env node
// The `dintero-emulator` command of the emulator package: the same server as `npm run emulator` in this repository
// (main.ts; EMULATOR_PORT, EMULATOR_HOST, EMULATOR_SIGNATURE_SECRET, EMULATOR_PUBLIC_URL).
import "./main"
