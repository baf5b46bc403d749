"""Parameters in a brief's text: ``{{ country.name }}`` rendered by Jinja's sandbox, with every
failure a located problem instead of a traceback.

Only a brief that declares ``params:`` is templated (:mod:`deckgen.load.params`); every other
brief's ``{{ }}`` stays literal text. The text is untrusted, so it is rendered in
:class:`jinja2.sandbox.SandboxedEnvironment` and held to a small language before it runs:

- expressions (``{{ name }}``, ``{{ a.b }}``, ``{{ a["b"] }}``), filters from :data:`FILTERS`,
  tests, ``{% if %}`` / ``{% elif %}`` / ``{% else %}``, ``{% raw %}`` and ``{## comments ##}``
  (``{#`` stays free for Pandoc's ``{#id}``);
- no calls, loops, ``{% set %}``, macros, includes or imports, no name or attribute starting
  with ``_`` (``{{ ''.__class__ }}``), no global but the row's values: each is refused at its
  line and column before anything renders. Without loops or assignments a text's result grows
  at most linearly with its length (each value is bounded too: :data:`deckgen.load.params.MAX_VALUE_CHARS`);
- ``StrictUndefined``: a name the row does not have is an error naming it in full
  (``country.nmae``) with a "did you mean"; ``*`` and ``%`` take numbers only (and ``**`` is
  refused), so no expression can make a huge string or number.

Whichever branch of an ``{% if %}`` is taken, the text keeps its number of lines (the other
branches' line breaks are added after it), so a problem the Markdown parser finds later is
reported at its line in the file.

Autoescaping is off: the result is Markdown or a YAML value, which the Markdown parser then reads
as it reads any text (raw HTML is refused there as everywhere). :func:`render` returns the text
or the problem, located in the original file: ``loc`` is where the text starts in it.
"""

from __future__ import annotations

import dataclasses
import numbers
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import Collector, Loc, did_you_mean
from .editions import EditionFiles
from .files import MAX_FILE_BYTES
from .params import MAX_PARAMS_BYTES, ParamRow, read_rows, slugify
from .yamlsrc import YamlDoc, split_front_matter

# The filters a brief's text may use: text and number shaping that cannot grow without bound.
FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default", "d", "round",
                     "int", "float", "string", "truncate", "length", "abs", "first",
                     "last", "striptags", "urlencode"})
_REFUSED_NODES = {"For": "{% for %} loops", "Macro": "{% macro %}", "CallBlock": "{% call %}",
                  "Call": "calls", "Include": "{% include %}", "Import": "{% import %}",
                  "FromImport": "{% from %}", "Extends": "{% extends %}", "Block": "{% block %}",
                  "FilterBlock": "{% filter %}", "With": "{% with %}", "Pow": "'**'",
                  "Assign": "{% set %}", "AssignBlock": "{% set %}"}
_NOT_TEMPLATED = ("params", "param_key")  # brief.yaml's keys read before any row is known
MAX_RESULT_CHARS = 200_000
MAX_NUMBER = 10 ** 15


@dataclass(frozen=True)
class TemplateProblem:
    """Why a text did not render, where in its file, and what to do."""

    loc: Loc
    message: str
    expected: str = ""


class Values:
    """A mapping of the row's values as the template sees it: ``country.name`` and
    ``country["name"]`` read an item; it has no attributes of its own (a column called ``items``
    is a value, not a method), and it knows its dotted path, for messages."""

    __slots__ = ("_items", "_path")

    def __init__(self, items: dict, path: str = ""):
        self._items = {k: Values(v, f"{path}{k}.") if isinstance(v, dict) else v for k, v in items.items()}
        self._path = path

    def __getitem__(self, key):
        return self._items[key]

    def __contains__(self, key) -> bool:
        return key in self._items

    def __str__(self) -> str:
        raise _Undefined(f"'{self._path.rstrip('.')}' is a group of parameters, not a value",
                         self._path.rstrip("."), "one of its values: " + ", ".join(
                             f"{self._path}{k}" for k in self._items))


class _Undefined(Exception):
    def __init__(self, message: str, name: str, expected: str):
        super().__init__(message)
        self.message, self.name, self.expected = message, name, expected


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class Undefined(StrictUndefined):
        __slots__ = ()

        @property
        def _undefined_message(self) -> str:
            if self._undefined_hint:
                return self._undefined_hint  # the sandbox's refusal
            owner = self._undefined_obj
            path = owner._path if isinstance(owner, Values) else ""
            return f"undefined parameter '{path}{self._undefined_name}'"

    class Environment(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "%"})

        def call_binop(self, context, operator, left, right):
            if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (left, right)):
                raise _Undefined(f"'{operator}' takes numbers only", operator,
                                 "~ to join texts; a filter such as truncate to shorten one")
            result = super().call_binop(context, operator, left, right)
            if abs(result) > MAX_NUMBER:
                raise _Undefined(f"'{operator}' gives a number too large", operator,
                                 f"a result at most {MAX_NUMBER:.0e} in size")
            return result

    env = Environment(undefined=Undefined, autoescape=False, keep_trailing_newline=True,
                      comment_start_string="{##", comment_end_string="##}")
    env.globals.clear()
    env.filters = {name: f for name, f in env.filters.items() if name in FILTERS}
    return env


def render(text: str, values: dict, loc: Loc, file_text: str | None = None) -> str | TemplateProblem:
    """``text`` rendered with the row's ``values`` (a nested mapping), or the problem, located in
    the file: ``loc`` is where ``text`` starts there, ``file_text`` the file's text (to find the
    column of the name at fault)."""
    if "{" not in text:
        return text
    from jinja2 import TemplateSyntaxError
    from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

    env = _environment()
    try:
        tree = env.parse(text)
    except TemplateSyntaxError as exc:
        return _problem(loc, exc.lineno or 1, "{", file_text, f"template syntax error: {exc.message}",
                        "{{ name }} for a parameter; {% raw %}…{% endraw %} around literal braces")
    except RecursionError:
        return _problem(loc, 1, "{", file_text, "an expression nested too deeply", "")
    refused = _refused(tree)
    if refused is not None:
        line, what, find = refused
        return _problem(loc, line, find, file_text, f"not allowed in a brief's text: {what}",
                        "{{ name }}, {% if %}, and the filters " + ", ".join(sorted(FILTERS)))
    _keep_lines(tree.body)
    try:
        out = env.from_string(tree).render(dict(Values(values)._items))
    except _Undefined as exc:
        expected = exc.expected or did_you_mean(exc.name, list(_names(values))) or \
            "one of: " + ", ".join(sorted(_names(values)))
        return _problem(loc, _line(exc), exc.name, file_text, exc.message, expected)
    except UndefinedError as exc:
        name = re.sub(r"^undefined parameter '(.*)'$", r"\1", str(exc))
        expected = did_you_mean(name, list(_names(values))) or "one of: " + ", ".join(sorted(_names(values)))
        return _problem(loc, _line(exc), name, file_text, str(exc), expected)
    except SecurityError as exc:
        return _problem(loc, _line(exc), "__", file_text, f"refused by the sandbox: {exc}",
                        "the parameters' values only: {{ name }}")
    except TemplateError as exc:
        return _problem(loc, _line(exc), "", file_text, f"template error: {exc}", "")
    except Exception as exc:  # noqa: BLE001 - what the text did is reported, never a traceback
        return _problem(loc, _line(exc), "", file_text, f"template error: {type(exc).__name__}: {exc}", "")
    if len(out) > MAX_RESULT_CHARS:
        return _problem(loc, 1, "", file_text, "the text is too long once its parameters are set",
                        f"at most {MAX_RESULT_CHARS:,} characters")
    return out


def _refused(tree) -> tuple[int, str, str] | None:
    """(line, what, text to find on it) of the first construct the brief's language leaves out."""
    from jinja2 import nodes

    for node in tree.find_all(nodes.Node):
        name = type(node).__name__
        if name in _REFUSED_NODES:
            word = {"Call": "(", "Pow": "**"}.get(name, _REFUSED_NODES[name].split()[1] if " " in
                                                 _REFUSED_NODES[name] else "")
            return node.lineno, _REFUSED_NODES[name], word
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            return node.lineno, f"names starting with '_' ('.{node.attr}')", node.attr
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and str(node.arg.value).startswith("_"):
            return node.lineno, f"names starting with '_' ('{node.arg.value}')", str(node.arg.value)
        if isinstance(node, nodes.Name) and node.name.startswith("_"):
            return node.lineno, f"names starting with '_' ('{node.name}')", node.name
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            return node.lineno, f"the filter '{node.name}'", node.name
    return None


def _keep_lines(body: list) -> int:
    """Pad each branch of every ``{% if %}`` with the line breaks of the others, so that the
    text has as many lines whichever branch is taken and every later problem (a citation, a
    table) is reported at its line in the file. Returns the line breaks ``body`` gives."""
    from jinja2 import nodes

    total = 0
    for node in body:
        if isinstance(node, nodes.Output):
            total += sum(n.data.count("\n") for n in node.nodes if isinstance(n, nodes.TemplateData))
        elif isinstance(node, nodes.If):
            branches = [node.body, *(e.body for e in node.elif_), node.else_]
            counts = [_keep_lines(branch) for branch in branches]
            for branch, count in zip(branches, counts):
                if sum(counts) > count:
                    branch.append(nodes.Output([nodes.TemplateData("\n" * (sum(counts) - count))]))
            total += sum(counts)
    return total


def _names(values: dict, prefix: str = ""):
    for key, value in values.items():
        yield f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _names(value, f"{prefix}{key}.")


def _line(exc: BaseException) -> int:
    """The template's line the exception was raised at (Jinja rewrites the traceback so that
    its frames carry the template's lines)."""
    tb, line = exc.__traceback__, 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _problem(loc: Loc, line: int, find: str, file_text: str | None, message: str,
             expected: str) -> TemplateProblem:
    """The problem at the template's ``line``, mapped into the file: its column is where
    ``find`` first appears on that line of the file (else where the text starts)."""
    file_line = loc.line + line - 1
    column = loc.col if line == 1 else 1
    if file_text is not None and find:
        lines = file_text.split("\n")
        if 0 < file_line <= len(lines):
            start = loc.col - 1 if line == 1 else 0
            index = lines[file_line - 1].find(find, start)
            if index < 0 and "." in find:
                index = lines[file_line - 1].find(find.rsplit(".", 1)[-1], start)
            if index >= 0:
                column = index + 1
    return TemplateProblem(Loc(loc.file, file_line, column), message, expected)


_TEMPLATE_MARK = re.compile(r"\{\{|\{%|\{##")


def has_template(text: str) -> bool:
    return _TEMPLATE_MARK.search(text) is not None


# ---- the load: the source as one row reads it ---------------------------------------------------

class ParamFiles(EditionFiles):
    """The source's files as one row of a parameterised brief reads them: ``brief.yaml``'s
    ``params:`` read first, then every text templated with the row (see the module's doc).
    ``wanted``: the row's value (None: the first row)."""

    def __init__(self, root: Path, problems: Collector, edition: str | None = None,
                 param: str | None = None):
        super().__init__(root, problems, edition)
        self.wanted_param = param
        self.row: ParamRow | None = None

    def choose_row(self, doc: YamlDoc) -> None:
        data = doc.data if isinstance(doc.data, dict) else {}
        name, key = data.get("params"), data.get("param_key", "")
        if not name or not isinstance(name, str) or not isinstance(key, str):
            return  # the schema reports a params: that is not a file name
        loc = doc.loc(("params",))
        path = self.source_path(name, loc, "params")
        text = self.read_text(path, loc, MAX_PARAMS_BYTES, written=name, field="params") if path else None
        if text is None:
            return
        rows = read_rows(text, self.rel(path), path.relative_to(self.source).as_posix(), key, self.problems)
        chosen = [r for r in rows if self.wanted_param in (r.key, r.slug)] if self.wanted_param else rows[:1]
        if rows and not chosen:
            self.problems.error(loc, f"no row of {self.rel(path)} has the value '{self.wanted_param}'",
                                "params", "one of: " + ", ".join(r.key for r in rows[:10]))
        if chosen:
            self.row = chosen[0]
            self.read_digests[self.row.keyed_as] = self.row.digest

    def yaml(self, text: str, path: Path, line_offset: int = 0) -> YamlDoc | None:
        doc = super().yaml(text, path, line_offset)
        if doc is None:
            return None
        brief = path == self.source / "brief.yaml"
        if brief:
            self.choose_row(doc)
        if self.row is None:
            return doc
        skip = _NOT_TEMPLATED if brief else ()
        return dataclasses.replace(doc, data=self.templated(doc.data, (), doc, skip))

    def templated(self, value, path: tuple, doc: YamlDoc, skip=()):
        if isinstance(value, str):
            if not has_template(value):
                return value
            out = render(value, self.row.values, doc.loc(path), self.texts.get(doc.file))
            if isinstance(out, str):
                return out
            self.problems.error(out.loc, out.message, expected=out.expected)
            return value
        if isinstance(value, dict):
            return {k: v if k in skip and not path else self.templated(v, (*path, k), doc)
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self.templated(v, (*path, i), doc) for i, v in enumerate(value)]
        return value

    def read_text(self, path: Path, loc: Loc | None = None, limit: int = MAX_FILE_BYTES, **reporting):
        text = super().read_text(path, loc, limit, **reporting)
        if text is None or self.row is None or path.suffix != ".md" or path.parent != self.source / "sections":
            return text
        front, body, body_line = split_front_matter(text)
        if front is None or not has_template(body):
            return text  # no front matter: the section reader reports it
        file = self.rel(path)
        out = render(body, self.row.values, Loc(file, body_line, 1), self.texts.get(file))
        if not isinstance(out, str):
            self.problems.error(out.loc, out.message, expected=out.expected)
            return text
        return text[:len(text) - len(body)] + out

    def param_name(self, name: str) -> str:
        """The outputs' name: the brief's, from its title with no parameter in it, then the
        row's value (``japan-brief-jp``); the brief's own for a brief without params."""
        if self.row is None:
            return name
        data = self.original_brief
        title = data.get("short_title") or data.get("title")
        title = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", title) if isinstance(title, str) else ""
        return f"{slugify(title) or 'brief'}-{self.row.slug}"
