"""Errors the services raise. Interfaces turn them into HTTP answers, bot replies or CLI messages.

`code` is stable (clients switch on it); `message` is for people, already translated
into the request's language when raised inside a request.
"""
from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
