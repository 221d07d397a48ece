"""Settings: TOML, environment and secret files, validated at start."""
