"""The bundled schemas, carried in the wheel as movibot.schemas (data only: see movibot.resources)."""
