// @nemesisdb/conformance: placeholder, nothing is exported yet. Replays the JSON examples documented in `docs/` against any NemesisDB server URL; usable in any project's CI.
export {};
