"""A fake Telegram Bot API server on 127.0.0.1 for tests: the real JSON envelope,
form and multipart requests, long polling, file downloads and injectable errors.

Tests play the user: `user_text`, `user_location`, `user_photo`, `user_press` queue
updates that the bot receives through getUpdates; `wait_for` waits (on a condition,
never by sleeping blindly) until the bot has answered.
"""
from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote

# Methods that send something visible to a chat; their requests are kept in `sent`.
SENDING = {"sendMessage", "sendPhoto", "sendDocument", "sendLocation", "sendVenue", "editMessageText",
           "editMessageReplyMarkup", "sendMediaGroup"}
TRUE_METHODS = {"deleteWebhook", "setWebhook", "setMyCommands", "deleteMyCommands", "answerCallbackQuery",
                "sendChatAction", "deleteMessage", "close", "logOut", "setChatMenuButton", "setMyDescription",
                "setMyShortDescription"}


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-token", username: str = "crowdgov_test_bot") -> None:
        self.token = token
        self.username = username
        self.bot_id = int(token.split(":")[0])
        self.cond = threading.Condition()
        self.updates: list[dict] = []
        self.next_update_id = 1
        self.next_message_id = 1000
        self.calls: list[tuple[str, dict]] = []
        self.sent: list[dict] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self.failures: dict[str, list[dict]] = {}
        self.webhook: dict | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    # --- server life ------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeTelegram:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-telegram", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self.cond:
            self._stopping = True
            self.cond.notify_all()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # --- what tests arrange -----------------------------------------------------------
    def fail(self, chat_id: int | str, status: int, *, retry_after: int | None = None, times: int = 1,
             description: str | None = None) -> None:
        """The next `times` sends to this chat get an error (403 blocked, 429 flood, 400 …)."""
        descriptions = {403: "Forbidden: bot was blocked by the user", 400: "Bad Request: chat not found",
                        429: f"Too Many Requests: retry after {retry_after}"}
        with self.cond:
            self.failures.setdefault(str(chat_id), []).extend(
                [{"status": status, "retry_after": retry_after,
                  "description": description or descriptions.get(status, "Error")}] * times)

    def add_file(self, content: bytes, path: str = "photos/file.jpg") -> str:
        file_id = "F" + secrets.token_hex(8)
        with self.cond:
            self.files[file_id] = (f"{path.rsplit('.', 1)[0]}_{file_id}.{path.rsplit('.', 1)[-1]}", content)
        return file_id

    # --- the user's side --------------------------------------------------------------
    def _user(self, user_id: int, language: str, first_name: str = "Test") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language}

    def _message(self, user_id: int, language: str, **content: Any) -> dict:
        with self.cond:
            self.next_message_id += 1
            message_id = self.next_message_id
        return {"message_id": message_id, "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "Test"},
                "from": self._user(user_id, language), **content}

    def push_update(self, update: dict) -> int:
        with self.cond:
            update = {"update_id": self.next_update_id, **update}
            self.next_update_id += 1
            self.updates.append(update)
            self.cond.notify_all()
        if self.webhook:
            self._post_webhook(update)
        return update["update_id"]

    def user_text(self, user_id: int, text: str, language: str = "en") -> int:
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push_update({"message": self._message(user_id, language, **extra)})

    def user_location(self, user_id: int, lat: float, long: float, language: str = "en", *,
                      live_period: int | None = None) -> int:
        location: dict[str, Any] = {"latitude": lat, "longitude": long}
        if live_period:
            location["live_period"] = live_period
        return self.push_update({"message": self._message(user_id, language, location=location)})

    def user_venue(self, user_id: int, lat: float, long: float, title: str, address: str, language: str = "en") -> int:
        location = {"latitude": lat, "longitude": long}
        venue = {"location": location, "title": title, "address": address}
        return self.push_update({"message": self._message(user_id, language, location=location, venue=venue)})

    def user_photo(self, user_id: int, content: bytes, language: str = "en", caption: str | None = None) -> int:
        file_id = self.add_file(content)
        sizes = [{"file_id": file_id, "file_unique_id": file_id[1:], "width": 640, "height": 480,
                  "file_size": len(content)}]
        extra: dict[str, Any] = {"photo": sizes}
        if caption:
            extra["caption"] = caption
        return self.push_update({"message": self._message(user_id, language, **extra)})

    def user_sticker(self, user_id: int, language: str = "en") -> int:
        sticker = {"file_id": "STK", "file_unique_id": "STK", "type": "regular", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False}
        return self.push_update({"message": self._message(user_id, language, sticker=sticker)})

    def user_press(self, user_id: int, data: str, message: dict | None = None, language: str = "en") -> int:
        """Press an inline button whose callback data is `data` (on `message`, by default the
        last message sent to this user that carries that button)."""
        if message is None:
            message = self.last_with_button(user_id, data)
        bot_message = {"message_id": message.get("message_id", 1), "date": int(time.time()),
                       "chat": {"id": user_id, "type": "private"}, "text": message.get("text", ""),
                       "from": self.me()}
        query = {"id": secrets.token_hex(6), "from": self._user(user_id, language), "chat_instance": "ci",
                 "message": bot_message, "data": data}
        return self.push_update({"callback_query": query})

    # --- what the bot did ---------------------------------------------------------------
    def messages_to(self, chat_id: int | str) -> list[dict]:
        with self.cond:
            return [m for m in self.sent if str(m.get("chat_id")) == str(chat_id)]

    def texts_to(self, chat_id: int | str) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.messages_to(chat_id)]

    def buttons(self, message: dict) -> list[tuple[str, str]]:
        """(text, callback_data or url) of an inline keyboard."""
        markup = message.get("reply_markup") or {}
        return [(b["text"], b.get("callback_data") or b.get("url") or "")
                for row in markup.get("inline_keyboard", []) for b in row]

    def last_with_button(self, chat_id: int | str, data: str) -> dict:
        for m in reversed(self.messages_to(chat_id)):
            if any(d == data for _t, d in self.buttons(m)):
                return m
        raise AssertionError(f"no message to {chat_id} has a button {data!r}: {self.texts_to(chat_id)[-5:]}")

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                result = predicate()
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("timed out waiting for the bot")
                self.cond.wait(left)

    def wait_sent(self, chat_id: int | str, count: int, timeout: float = 15.0) -> list[dict]:
        """Wait until at least `count` messages went to the chat; returns them all."""
        return self.wait_for(lambda: len(self.messages_to(chat_id)) >= count and self.messages_to(chat_id),
                             timeout)

    def me(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": "CrowdGov", "username": self.username,
                "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}

    # --- HTTP -------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, verb: str) -> None:
        path = unquote(handler.path.split("?")[0])
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if path.startswith("/file/bot"):
            return self._download(handler, path[len("/file/bot"):])
        if not path.startswith("/bot"):
            return self._reply(handler, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, _, method = path[len("/bot"):].partition("/")
        if token != self.token:
            return self._reply(handler, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        params = self._params(handler.headers.get("Content-Type", ""), body)
        if verb == "GET" and "?" in handler.path:
            params.update(dict(parse_qsl(handler.path.split("?", 1)[1])))
        with self.cond:
            self.calls.append((method, params))
            self.cond.notify_all()
        status, payload = self._dispatch(method, params)
        self._reply(handler, status, payload)

    def _download(self, handler: BaseHTTPRequestHandler, rest: str) -> None:
        token, _, file_path = rest.partition("/")
        content = next((c for p, c in self.files.values() if p == file_path), None)
        if token != self.token or content is None:
            return self._reply(handler, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        try:
            # Headers and body are written separately: without TCP_NODELAY, Nagle's algorithm holds
            # the body until the client's delayed ACK, ~40 ms per request that Telegram never costs.
            handler.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (shutdown)
            pass

    @staticmethod
    def _decode(value: str) -> Any:
        if value[:1] in "{[":
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def _params(self, content_type: str, body: bytes) -> dict:
        if not body:
            return {}
        if content_type.startswith("application/json"):
            return json.loads(body)
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
            params: dict[str, Any] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename() is not None:
                    params[name] = {"filename": part.get_filename(), "content": part.get_payload(decode=True)}
                else:
                    params[name] = self._decode(part.get_payload(decode=True).decode())
            return params
        return {k: self._decode(v) for k, v in parse_qsl(body.decode(), keep_blank_values=True)}

    def _failure_for(self, params: dict) -> dict | None:
        queue = self.failures.get(str(params.get("chat_id")))
        return queue.pop(0) if queue else None

    def _dispatch(self, method: str, params: dict) -> tuple[int, dict]:
        ok = lambda result: (200, {"ok": True, "result": result})
        if method == "getMe":
            return ok(self.me())
        if method == "getUpdates":
            return ok(self._get_updates(params))
        if method == "getFile":
            entry = self.files.get(params.get("file_id"))
            if entry is None:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            return ok({"file_id": params["file_id"], "file_unique_id": params["file_id"][1:],
                       "file_size": len(entry[1]), "file_path": entry[0]})
        if method == "setWebhook":
            with self.cond:
                self.webhook = {"url": params.get("url"), "secret_token": params.get("secret_token")}
            return ok(True)
        if method == "deleteWebhook":
            with self.cond:
                self.webhook = None
            return ok(True)
        if method in SENDING:
            with self.cond:
                failure = self._failure_for(params)
                if failure is None:
                    self.next_message_id += 1
                    message_id = self.next_message_id
                    record = {"method": method, "message_id": message_id, **params}
                    if method.startswith("edit"):
                        record["message_id"] = int(params.get("message_id") or 0)
                    self.sent.append(record)
                self.cond.notify_all()
            if failure:
                envelope: dict[str, Any] = {"ok": False, "error_code": failure["status"],
                                            "description": failure["description"]}
                if failure["retry_after"] is not None:
                    envelope["parameters"] = {"retry_after": failure["retry_after"]}
                return failure["status"], envelope
            return ok(self._message_result(record))
        if method in TRUE_METHODS:
            return ok(True)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def _message_result(self, record: dict) -> dict:
        chat_id = record.get("chat_id")
        try:
            chat_id = int(chat_id)
        except (TypeError, ValueError):
            pass
        result: dict[str, Any] = {"message_id": record["message_id"], "date": int(time.time()),
                                  "chat": {"id": chat_id, "type": "private"}, "from": self.me()}
        if "text" in record:
            result["text"] = record["text"]
        if record["method"] == "sendPhoto":
            result["photo"] = [{"file_id": "P" + secrets.token_hex(6), "file_unique_id": "p", "width": 1, "height": 1}]
        if record["method"] == "sendDocument":
            doc = record.get("document")
            result["document"] = {"file_id": "D" + secrets.token_hex(6), "file_unique_id": "d",
                                  "file_name": doc.get("filename") if isinstance(doc, dict) else "file"}
        if isinstance(record.get("reply_markup"), dict) and "inline_keyboard" in record["reply_markup"]:
            result["reply_markup"] = record["reply_markup"]
        return result

    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self.cond:
            # Confirmed updates are forgotten, as Telegram does.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(left)
            return list(self.updates)

    def _post_webhook(self, update: dict) -> None:
        import httpx

        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        httpx.post(self.webhook["url"], json=update, headers=headers, timeout=10)
