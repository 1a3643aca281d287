"""Load test: 50 concurrent users against gunicorn on loopback (see __main__.py)."""
