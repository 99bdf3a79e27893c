"""The bundled fiches, carried in the wheel as movibot.fiches (data only: see movibot.resources)."""
