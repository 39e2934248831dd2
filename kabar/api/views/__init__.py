"""The API's endpoints, thin: parse, call discussion, answer (kabar/api/endpoint.py)."""
