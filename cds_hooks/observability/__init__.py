"""Logs, metrics, request ids and the version an operator sees."""
