"""YAML syntax errors said in plain language, with the line to type instead.

ruamel.yaml reports a quote inside quotes as ``expected <block end>, but found '<scalar>'`` and a
tab as ``found character '\\t' that cannot start any token``: true, but of no help to an author.
:func:`explain` looks at the line the parser stopped on and, for the mistakes authors make most
often, says what went wrong and what to write instead, quoting the line rewritten:

- a quote inside text in the same quotes (``title: "Japan "and" Korea"``);
- ``: `` inside an unquoted value (``title: History: a primer``), on its line or on a line that
  continues the value;
- a tab in the indentation or in an unquoted value;
- a quote never closed, a backslash escape double quotes cannot hold;
- a value starting with a character YAML reserves (``@``, a backquote, ``%``) or with ``[``/``{``;
- a line that is neither ``key: value`` nor part of the value above, a line indented out of step.

:func:`front_matter_end` guesses where a section's front matter should have been closed.
Everything here reads the text only; nothing is parsed or run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "key: value" on a line, after any indentation and "- " list markers
_KEY = re.compile(r"^(?P<head>[ \t]*(?:-[ \t]+)*(?P<key>[A-Za-z0-9_][\w .-]*?)[ \t]*:)"
                  r"(?P<gap>[ \t]+)(?P<value>.*)$")
_ITEM = re.compile(r"^(?P<head>[ \t]*-)(?P<gap>[ \t]+)(?P<value>.*)$")
_QUOTES = "\"'"
_RESERVED = "@`%"


@dataclass(frozen=True)
class Hint:
    """What went wrong at a place in the text (0-based line and column) and what to write."""

    line: int
    col: int
    message: str
    expected: str


def explain(text: str, problem: str, context: str, mark: tuple[int, int] | None,
            context_mark: tuple[int, int] | None) -> Hint | None:
    """A plain-language :class:`Hint` for the parser's ``problem`` at ``mark``, or None."""
    lines = text.split("\n")
    for rule in (_tab, _quote_inside_quotes, _colon_in_value, _unclosed_quote, _bad_escape,
                 _reserved_start, _no_colon, _out_of_step):
        hint = rule(lines, problem or "", context or "", mark, context_mark)
        if hint is not None:
            return hint
    return None


def _at(lines: list[str], mark) -> str:
    return lines[mark[0]] if mark and 0 <= mark[0] < len(lines) else ""


def _double_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shown(line: str, limit: int = 100) -> str:
    line = line.strip()
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _value_start(line: str) -> tuple[str, int] | None:
    """(the line up to its value, the value's column) for 'key: value' and '- value' lines."""
    match = _KEY.match(line) or _ITEM.match(line)
    if match is None:
        return None
    return match.group("head") + match.group("gap"), match.start("value")


def _without_comment(value: str) -> str:
    """An unquoted value without a trailing ' # comment'."""
    cut = value.find(" #")
    return (value[:cut] if cut >= 0 else value).rstrip()


# ---- the rules, each (lines, problem, context, mark, context mark) -> Hint | None ------------

def _tab(lines, problem, context, mark, context_mark) -> Hint | None:
    line = _at(lines, mark)
    if "'\\t'" not in problem and "tab" not in problem:
        return None
    col = mark[1] if mark[1] < len(line) and line[mark[1]] == "\t" else max(line.find("\t"), 0)
    if not line[:col].strip():
        return Hint(mark[0], col, "this line is indented with a tab; YAML indents with spaces only",
                    "replace the tab with spaces, lined up with the lines it belongs with")
    return Hint(mark[0], col, "a tab inside an unquoted value is not allowed",
                "replace the tab with a space, or put the value in double quotes")


def _quote_inside_quotes(lines, problem, context, mark, context_mark) -> Hint | None:
    if not re.match(r"expected (<block end>|',' or '[\]}]')", problem) or "'<scalar>'" not in problem:
        return None
    line = _at(lines, mark)
    before = line[:mark[1]].rstrip()
    if not before or before[-1] not in _QUOTES + "]}":
        return None
    start = _value_start(line)
    closing = before[-1]
    if closing in "]}":
        if start is None or not line[start[1]:].startswith("[{"[closing == "}"]):
            return None
        value = _without_comment(line[start[1]:])
        kind = "list" if closing == "]" else "group of 'key: value' pairs"
        return Hint(mark[0], start[1], f"a value that starts with '{value[0]}' is read as a {kind}, "
                    "and more text follows it", f"put the whole value in double quotes: "
                    f"{_shown(start[0] + _double_quoted(value))}")
    quote_name = "double" if closing == '"' else "single"
    shown_quote = "'\"'" if closing == '"' else '"\'"'
    message = f"a {shown_quote} inside text in {quote_name} quotes ends the text early"
    if start is None or not line[start[1]:].startswith(closing):
        return Hint(mark[0], len(before), message,
                    f"write a {quote_name} quote inside the text as "
                    + ("\\\"" if closing == '"' else "''"))
    value = line[start[1]:].rstrip()
    inner = value[1:-1] if len(value) > 1 and value.endswith(closing) else value[1:]
    if closing == '"':
        other = f"'{inner}'" if "'" not in inner else None
        escaped = '"' + inner.replace('"', '\\"') + '"'
    else:
        other = _double_quoted(inner) if '"' not in inner else None
        escaped = "'" + inner.replace("'", "''") + "'"
    head = start[0]
    inner_quote = "\\\"" if closing == '"' else "''"
    escape = f"write each {quote_name} quote inside it as {inner_quote}: {_shown(head + escaped)}"
    if other is None:
        expected = escape
    else:
        outer = "single" if closing == '"' else "double"
        expected = f"put the text in {outer} quotes: {_shown(head + other)}; or {escape}"
    return Hint(mark[0], len(before) - 1, message, expected)


def _colon_in_value(lines, problem, context, mark, context_mark) -> Hint | None:
    if not problem.startswith("mapping values are not allowed"):
        return None
    line = _at(lines, mark)
    match = _KEY.match(line)
    if match is not None and match.end("head") <= mark[1]:  # a second ': ' on a 'key: value' line
        value = _without_comment(match.group("value"))
        return Hint(mark[0], mark[1], "the ': ' in this value makes YAML read a second key",
                    "put the value in double quotes: "
                    + _shown(match.group("head") + match.group("gap") + _double_quoted(value)))
    key = _owner_key(lines, mark[0])
    where = f"of '{key}' " if key else ""
    block = f"{key}: >-" if key else "'key: >-'"
    return Hint(mark[0], mark[1], "this line continues the value above it, and the ': ' in it makes "
                "YAML read a key", f"put the whole value {where}in double quotes, or write {block} "
                "and the text on indented lines below it")


def _owner_key(lines: list[str], index: int) -> str:
    """The key whose value the line ``index`` continues: the nearest less indented key above."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    for above in reversed(lines[:index]):
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        match = _KEY.match(above) or re.match(r"^(?P<head>[ \t]*(?:-[ \t]+)*(?P<key>[\w.-]+)[ \t]*:)", above)
        if match and len(above) - len(above.lstrip()) < indent:
            return match.group("key")
    return ""


def _unclosed_quote(lines, problem, context, mark, context_mark) -> Hint | None:
    if "quoted scalar" not in context or "end of stream" not in problem or context_mark is None:
        return None
    line = _at(lines, context_mark)
    quote = line[context_mark[1]] if context_mark[1] < len(line) else '"'
    return Hint(context_mark[0], context_mark[1], f"the text opened with {quote} here is never closed",
                f"end it with {quote} on the same line")


def _bad_escape(lines, problem, context, mark, context_mark) -> Hint | None:
    if "double-quoted scalar" not in context or "escape" not in problem or context_mark is None:
        return None
    line = _at(lines, context_mark)
    value = line[context_mark[1]:].rstrip()
    inner = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
    head = line[:context_mark[1]]
    single = f" or put the text in single quotes: {_shown(head + _single_quoted(inner))}" if "'" not in inner else ""
    return Hint(mark[0], mark[1], "a '\\' inside double quotes starts an escape such as \\n or \\\", "
                "and this one is not", f"write each backslash twice (\\\\),{single}".rstrip(","))


def _single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reserved_start(lines, problem, context, mark, context_mark) -> Hint | None:
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    if found is None or found.group(1) not in _RESERVED:
        return None
    line = _at(lines, mark)
    start = _value_start(line)
    char = found.group(1)
    fix = ("put the value in double quotes: " + _shown(start[0] + _double_quoted(
        _without_comment(line[start[1]:]))) if start else "put the value in double quotes")
    return Hint(mark[0], mark[1], f"a value cannot start with '{char}' unless it is in quotes", fix)


def _no_colon(lines, problem, context, mark, context_mark) -> Hint | None:
    if "could not find expected ':'" not in problem or context_mark is None:
        return None
    return Hint(context_mark[0], context_mark[1], "this line is neither 'key: value' nor part of "
                "the value above it", "write it as 'key: value', or indent it to continue the value "
                "above (or put that value in double quotes)")


def _out_of_step(lines, problem, context, mark, context_mark) -> Hint | None:
    if not re.match(r"expected <block end>, but found '(<block (mapping|sequence) start>|-)'", problem):
        return None
    return Hint(mark[0], mark[1], "this line is indented out of step with the lines around it",
                "line it up, with the same number of spaces, with the keys or '- ' items it belongs with")


# ---- front matter ------------------------------------------------------------------------------

_FRONT_LINE = re.compile(r"^([A-Za-z0-9_][\w-]*[ \t]*:([ \t]|$)|[ \t]+\S|-[ \t]|#|$)")


def front_matter_end(lines: list[str]) -> int:
    """For a Markdown file that opens front matter with ``---`` on its first line and never closes
    it: the index of the last line that still reads as front matter (``key: value``, indented
    lines, ``- `` items, comments), after which the closing ``---`` belongs."""
    last = 0
    for index in range(1, len(lines)):
        line = lines[index].rstrip("\n")
        if not _FRONT_LINE.match(line):
            break
        if line.strip():
            last = index
    return last
