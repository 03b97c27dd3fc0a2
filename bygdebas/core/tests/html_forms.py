"""What a browser would submit from a page's form, read from the HTML itself.

End-to-end tests post what the page really offers (hidden fields, initial values, the selected
option, checked boxes), not what the test thinks the form holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def data(self, **changes: str) -> dict[str, list[str]]:
        """The fields as ``Client.post`` takes them, with ``changes`` replacing values."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in changes.items():
            data[name] = [value]
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._textarea: tuple[str, list[str]] | None = None
        # The open <select>: its name, whether it is multiple, and its options (value, selected).
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._option_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._form = HtmlForm(
                action=attributes.get("action") or "",
                method=(attributes.get("method") or "get").lower(),
            )
            return
        if self._form is None or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in _NOT_SUBMITTED:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self._form.fields.append((name, attributes.get("value") or "on"))
                return
            self._form.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, "multiple" in attributes, [])
        elif tag == "option" and self._select is not None:
            self._option = []
            self._option_attrs = attributes

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            # A browser drops the newline that directly follows <textarea>.
            self._form.fields.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option_attrs.get("value")
            if value is None:
                value = "".join(self._option).strip()
            self._select[2].append((value, "selected" in self._option_attrs))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None


def forms_in(html: str | bytes) -> list[HtmlForm]:
    """Every form on the page, in order."""
    parser = _FormParser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser.forms


def form_with(html: str | bytes, *, posting_to: str | None = None) -> HtmlForm:
    """The page's one POST form posting to ``posting_to`` (any path: the only POST form but the
    page's header forms, language and logout)."""
    candidates = [
        form
        for form in forms_in(html)
        if form.method == "post"
        and (form.action == posting_to if posting_to is not None else "i18n" not in form.action)
        and "logga-ut" not in form.action
    ]
    if len(candidates) != 1:
        raise AssertionError(f"expected one form posting to {posting_to!r}, found {candidates!r}")
    return candidates[0]
