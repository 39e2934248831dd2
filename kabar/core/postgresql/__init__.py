"""Django's PostgreSQL backend with a health check that needs no round trip (base.py).
Kabar's settings give it to every PostgreSQL database (settings.base.with_engine_options)."""
