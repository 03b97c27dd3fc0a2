"""Mail printed to the terminal, as a person reads it (the demo and development).

Django's console backend prints the raw MIME message: the text is quoted-printable, so a long
link is cut with "=" at each line end and every "=" in it is written "=3D", and a link copied
from the terminal does not work. This prints the headers decoded and the plain-text part as it
was written, and names the attachments.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message: Any) -> None:
        if not isinstance(message, EmailMessage):
            super().write_message(message)
            return
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            *([f"Reply-To: {', '.join(message.reply_to)}"] if message.reply_to else []),
            f"Subject: {message.subject}",
            "",
            str(message.body),
        ]
        for attachment in message.attachments:
            name = attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()
            lines.append(f"[attachment: {name}]")
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
