"""The Telegram bot: a channel adapter that talks to the backend's /api/v1 over HTTP.

It imports nothing from `backend`; every rule is enforced by the API.
"""
