"""Keep secrets out of the logs.

The Bot API puts the bot token in every request URL; httpx logs each URL at INFO and
python-telegram-bot logs its API URL at DEBUG, so at those levels the token would be in
the web, worker and bot logs. Their warnings and errors (which carry no URL) still show.
"""
from __future__ import annotations

import logging

URL_LOGGERS = ("httpx", "httpcore", "telegram")


def quiet_url_loggers() -> None:
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
