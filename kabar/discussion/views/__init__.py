"""Thin HTML views: parse, call the submission path or a service, answer."""
