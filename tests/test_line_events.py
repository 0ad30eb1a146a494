"""Differential check: hit counts agree with CPython's own LINE events, on real stdlib functions driven by real inputs.

While `tracing` records a target, a second `sys.monitoring` tool counts LINE events per code object and line on every
code object of the target. Where a physical line holds one statement (a simple one, with the inlined comprehensions it
contains, or the header of an `if`, `elif`, `while`, `for`, `try` or `except`) and its code object is the only one with
instructions on that line, a LINE event is an entry into that statement (a loop header's, each check), except in these
documented CPython behaviours, which the counter recognises by the offset each event comes from (`f_lasti` of the
traced frame, read in the callback) and does not count:
- 3.12 only: a jump landing in the middle of a line right after a call (`x = a and f(x)`) fires LINE a second time for
  one execution; 3.13 and later fire once. Such an event comes from a jump target in the middle of its line (the
  instruction before it, in bytecode order, is on the same line) while the frame's previous LINE event was for that
  same line (a loop's `FOR_ITER` is such a target too, but reached from the body's last line: a real new check).
- every version: when an exception leaves an inlined comprehension, its clean-up code (an exception handler that
  protects that one line and whose first instructions have no line) fires LINE for the statement's line again.
Statements with no instruction on their line (`pass`, `global`, `nonlocal`) get no LINE event and are not compared,
nor are `with`, `def`, `class` and `match` headers (a `with` line fires again for its clean-up; none of the targets
has them on a line of their own). Any other difference is a tracer bug: the test fails on it."""
import argparse, ast, calendar, collections, colorsys, configparser, csv, difflib, dis, email.header, fnmatch, fractions
import gettext, heapq, html, inspect, ipaddress, json, pprint, shlex, statistics, string, sys, textwrap, tokenize, types, urllib.parse
import _pydecimal, io
import pytest
from tracefunc import tracing
from conftest import check_invariant
from tracefunc.indexer import func_index

M = sys.monitoring
E = M.events
PY312 = sys.version_info < (3, 13)
MAX_CALLS = 10_000

def all_codes(code):
    "`code` and every code object nested in it"
    yield code
    for k in code.co_consts:
        if isinstance(k, types.CodeType): yield from all_codes(k)

def _line(ins): return ins.positions.lineno if ins.positions else None

def midline_targets(code):
    "Offsets of jump targets in the middle of their line: the instruction before them in bytecode order is on the same line"
    out, prev = set(), None
    for ins in dis.get_instructions(code):
        line = _line(ins)
        if ins.is_jump_target and line is not None and line == prev: out.add(ins.offset)
        prev = line
    return out

def comprehension_cleanups(code):
    """Offsets of the exception handlers that clean up after an inlined comprehension: the handler protects instructions
    of one line only, starts with instructions that have no line, and its other instructions are on that line"""
    ins = list(dis.get_instructions(code))
    at = {i.offset: k for k, i in enumerate(ins)}
    out = set()
    for e in dis.Bytecode(code).exception_entries:
        protected = {_line(i) for i in ins if e.start <= i.offset < e.end} - {None}
        if len(protected) != 1 or e.target not in at: continue
        block = []
        for i in ins[at[e.target]:]:
            block.append(i)
            if i.opname == 'RERAISE': break
        lines = [_line(i) for i in block]
        if lines[0] is None and set(lines) <= protected | {None} and set(lines) & protected:
            out.update(i.offset for i in block)
    return out

class LineCounter:
    "LINE callback: counts per (code object, line) while `on`, the events of the behaviours above apart"
    def __init__(self, codes):
        self.counts, self.dropped, self.on = collections.Counter(), collections.Counter(), False
        self.last = {}   # id(frame) -> the line of its latest LINE event
        self.mid = {id(c): midline_targets(c) if PY312 else set() for c in codes}
        self.cleanup = {id(c): comprehension_cleanups(c) for c in codes}
    def __call__(self, code, line):
        if not self.on: return
        f = sys._getframe(1)
        off, prev = f.f_lasti, self.last.get(id(f))
        self.last[id(f)] = line
        if off in self.cleanup[id(code)]: self.dropped['comprehension clean-up'] += 1
        elif off in self.mid[id(code)] and prev == line: self.dropped['3.12 mid-line jump'] += 1
        else: self.counts[id(code), line] += 1

def traced_with_line_counts(target, drive):
    "Run `drive()` inside `tracing(target)` while another tool counts LINE events on the same code objects"
    codes = list(all_codes(target.__code__))
    counter = LineCounter(codes)
    tool = next(i for i in (2, 1, 0, 5) if M.get_tool(i) is None)   # tracefunc prefers 3, 4 and 5
    M.use_tool_id(tool, 'line-counter')
    M.register_callback(tool, E.LINE, counter)
    for c in codes: M.set_local_events(tool, c, E.LINE)
    try:
        with tracing(target, max_calls=MAX_CALLS) as res:
            counter.on = True      # only the program's events: not the tracer's set-up, which may call the target
            try: drive()
            finally: counter.on = False
    finally:
        for c in codes: M.set_local_events(tool, c, 0)
        M.register_callback(tool, E.LINE, None)
        M.free_tool_id(tool)
    assert 0 < len(res) < MAX_CALLS, len(res)   # every call recorded
    return res, counter

HEADERS = (ast.If, ast.While, ast.For, ast.Try, ast.ExceptHandler)

def comparable(lines, codes):
    """(line, its code object) for the simple statements (with the comprehensions they contain) and the HEADERS alone on
    their physical line, whose code object is the only one with instructions on that line: there a LINE event is an entry"""
    # the physical lines of each statement's own text (a compound statement's header: its `end` is where its body starts)
    stmts_on = collections.Counter(n for l in lines if l.kind == 'stmt' for n in range(l.pos[0], l.pos[0] + l.text.count('\n') + 1))
    code_lines = {id(c): {p[0] for p in c.co_positions()} for c in codes}
    out = []
    for l in lines:
        n = l.pos[0]
        if l.kind != 'stmt' or '\n' in l.text or stmts_on[n] != 1: continue
        if hasattr(l.node, 'body') and not isinstance(l.node, HEADERS): continue
        owners = [c for c in codes if n in code_lines[id(c)]]
        if len(owners) == 1: out.append((l, owners[0]))
    return out

def read_config():
    cp = configparser.ConfigParser(allow_no_value=True)
    cp.read_string(CONFIG)
    return cp

def decimal_sqrt():
    with _pydecimal.localcontext() as ctx:
        ctx.prec = 40
        return [_pydecimal.Decimal(x).sqrt() for x in ('2', '0.0009', '123456789.123', '1e-7')]

CONFIG = '''
[DEFAULT]
base = /srv
[paths]
data = %(base)s/data
logs = %(base)s/logs
  continued line
; comment
[empty]
[flags]
debug
level: 3
'''
CSV = 'name;age;"city, state"\n"Smith, J";42;"Boston, MA"\nDoe;7;Paris\n"O\'Neil";33;"Rome, IT"\n'
SRC = 'def f(a, b=2):\n    """doc"""\n    return [a + b for _ in range(3)]  # comment\n\nclass C:\n    x = {1: "a"}\n'

def arg_parser():
    p = argparse.ArgumentParser(prog='prog')
    p.add_argument('files', nargs='*')
    p.add_argument('-v', '--verbose', action='count', default=0)
    p.add_argument('--n', type=int, default=1)
    p.add_argument('--mode', choices=['a', 'b'])
    return p

def _raising(xs):
    "An iterator that raises ValueError at a negative element."
    for x in xs:
        if x < 0: raise ValueError(x)
        yield x

def nested_loops(rows):
    "Loops in loops (a `for` head is a ride of its `GET_ITER` when the lines jumping back lead nowhere else)."
    total = n = 0
    for row in rows:
        for x in row:
            if x < 0:
                continue
            total += x
            if total > 60:
                break
        else:
            n += 1
        total -= 1
        for y in row:
            n += y
    for i in range(len(rows)):
        for j in range(i):
            for k in range(j):
                n += k
    for row in rows:
        try:
            for z in _raising(row):
                n += z
        except ValueError:
            n -= 1
    total += n
    return total

CASES = [   # (target, what calls it, with real inputs)
    (nested_loops, lambda: [nested_loops(r) for r in ([[1, 2, 3]] * 4, [], [[], [5, -1, 7], [40, 30, 2]], [[1]] * 14, [[2, -1]] * 12)]),
    (textwrap.TextWrapper._wrap_chunks, lambda: textwrap.wrap("hello world, a rather longish text " * 12 + "supercalifragilisticexpialidocious" * 3, 20)),
    (textwrap.dedent, lambda: textwrap.dedent("    def f():\n        return 1\n\n    x = 2\n      y\n")),
    (difflib.SequenceMatcher.get_matching_blocks, lambda: difflib.SequenceMatcher(None, "abcdefg" * 20, "abcxefg" * 20).get_matching_blocks()),
    (difflib.unified_diff, lambda: list(difflib.unified_diff(['a\n', 'b\n', 'c\n', 'd\n'] * 5, ['a\n', 'B\n', 'c\n', 'd\n', 'e\n'] * 5, 'x', 'y', n=1))),
    (json.encoder._make_iterencode, lambda: ''.join(json.encoder.JSONEncoder(indent=2, sort_keys=True).iterencode(
        {'a': [1, 2.5, {'b': None, 'c': [True, False]}], 'd': {}, 'e': [], 'f': 'x\ny'}, _one_shot=False))),
    (statistics.median, lambda: [statistics.median(d) for d in ([5, 3, 1, 4], [2, 9, 4], [1.5])]),
    (statistics.quantiles, lambda: [statistics.quantiles(range(1, 30), n=n, method=m) for n in (4, 10) for m in ('exclusive', 'inclusive')]),
    (fractions.Fraction.__new__, lambda: [fractions.Fraction(a) for a in ('3/7', ' -1.25e2 ', '7', 1.5, fractions.Fraction(2, 3))] + [fractions.Fraction(6, 4)]),
    (fractions.Fraction.limit_denominator, lambda: [fractions.Fraction(3.141592653589793).limit_denominator(d) for d in (10, 1000, 1)]),
    (argparse.ArgumentParser._parse_known_args, lambda: arg_parser().parse_args(['-vv', '--n', '3', '--mode=b', 'a.txt', 'b.txt'])),
    (shlex.shlex.read_token, lambda: shlex.split('cp -r "my dir" it\\\'s\\ ok \'single q\' a#b # a comment', comments=True)),
    (ipaddress.collapse_addresses, lambda: list(ipaddress.collapse_addresses(
        [ipaddress.ip_network(n) for n in ('10.0.0.0/25', '10.0.0.128/25', '10.0.1.0/24', '192.168.0.0/30', '192.168.0.4/30', '10.0.0.7/32')]))),
    (inspect.unwrap(urllib.parse.urlsplit), lambda: [urllib.parse.urlsplit(u) for u in ('https://user@example.com:8080/p/a?q=1&r=2#frag', '//host/x', 'mailto:a@b.c', 'rel/path?x')]),
    (urllib.parse.parse_qsl, lambda: urllib.parse.parse_qsl('a=1&b=2&b=3&empty=&flag&c=%20x+y', keep_blank_values=True)),
    # 3.13 moved the parsing loop of `_read` into `_read_inner`
    (getattr(configparser.RawConfigParser, '_read_inner', configparser.RawConfigParser._read),
     lambda: configparser.ConfigParser(allow_no_value=True).read_string(CONFIG)),
    (configparser.BasicInterpolation._interpolate_some, lambda: dict(read_config()['paths'])),
    (string.Formatter._vformat, lambda: string.Formatter().format('{0}-{name!r:>8}-{obj[1]}-{{lit}}-{1:{2}}', 'x', 3.14159, '.2f', name='n', obj=[0, 'one'])),
    # 3.14 moved the loop of `translate` into `_translate`
    (getattr(fnmatch, '_translate', fnmatch.translate), lambda: [fnmatch.translate(p) for p in ('*.py[co]', '[!a-z]?*', 'a**b[]', 'x[!]', '[a-', 'plain')]),
    (gettext._parse, lambda: [gettext.c2py(e)(n) for e in ('n != 1', 'n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2', '(n % 10 == 1 && n % 100 != 11) ? 0 : 1') for n in (1, 3, 11, 22)]),
    (email.header.decode_header, lambda: [email.header.decode_header(h) for h in ('=?utf-8?q?caf=C3=A9?= plain =?iso-8859-1?b?SGVsbG8=?=', 'no encoding', '=?utf-8?q?a?=  =?utf-8?q?b?=')]),
    (csv.Sniffer._guess_quote_and_delimiter, lambda: csv.Sniffer().sniff(CSV)),
    (pprint.PrettyPrinter._format, lambda: pprint.pformat({'k%d' % i: list(range(i)) for i in range(8)} | {'nested': {'a': ('x' * 30, 'y' * 30)}}, width=40)),
    (tokenize.Untokenizer.untokenize, lambda: tokenize.untokenize(tokenize.generate_tokens(io.StringIO(SRC).readline))),
    # 3.15 moved the recursion of `literal_eval` into `_convert_literal`
    (getattr(ast, '_convert_literal', ast.literal_eval), lambda: [ast.literal_eval(s) for s in ("{'a': [1, 2.5, -3], 'b': (True, None, 1+2j)}", "{1, 2}", "-(4)", "b'x'")]),
    (heapq.merge, lambda: list(heapq.merge([1, 4, 7, 10], [2, 5, 8], [3, 6, 9, 12, 15], [], key=lambda x: -x if x > 100 else x))),
    (calendar.TextCalendar.formatmonth, lambda: calendar.TextCalendar(firstweekday=6).formatmonth(2026, 12)),
    (colorsys.rgb_to_hls, lambda: [colorsys.rgb_to_hls(*c) for c in ((0, 0, 0), (1, 1, 1), (1, 0, 0), (0.2, 0.8, 0.4), (0.3, 0.3, 0.9), (0.9, 0.2, 0.6))]),
    (_pydecimal.Decimal.sqrt, decimal_sqrt),
    (html._replace_charref, lambda: [html.unescape(s) for s in ('a &amp; b &lt;c&gt; &#39;q&#x27; &copy2026 &bogus; &', 'plain')]),
]

def ident(case):
    t = case[0]
    return f'{t.__module__}.{t.__qualname__}'

@pytest.mark.parametrize('target,drive', CASES, ids=[ident(c) for c in CASES])
def test_hits_match_line_events(target, drive):
    res, counter = traced_with_line_counts(target, drive)
    check_invariant(res)   # and every line has its samples
    codes = list(all_codes(target.__code__))
    lines = comparable(func_index(target.__code__).lines, codes)
    assert len(lines) >= 3
    assert sum(1 for l, _ in lines if any(l.key in d for _, d in res)) >= 3   # the input makes at least 3 of them run
    ours = {l.key: sum(d.get(l.key, (0,))[0] for _, d in res) for l, _ in lines}
    theirs = {l.key: counter.counts[id(c), l.pos[0]] for l, c in lines}
    assert ours == theirs

def test_counter_sees_the_documented_behaviours():
    "The two CPython behaviours the counter leaves out happen where it says, on the versions it says (so leaving them out hides nothing else)"
    def f(x): return x
    def g(a, xs):
        x = a and f(a)
        try: z = [1 // i for i in xs]
        except ZeroDivisionError: z = None
        return x, z
    codes = [g.__code__]
    counter = LineCounter(codes)
    tool = next(i for i in (2, 1, 0, 5) if M.get_tool(i) is None)
    M.use_tool_id(tool, 'line-counter')
    M.register_callback(tool, E.LINE, counter)
    M.set_local_events(tool, g.__code__, E.LINE)
    try:
        counter.on = True
        assert g(1, [1, 0]) == (1, None)
    finally:
        counter.on = False
        M.set_local_events(tool, g.__code__, 0)
        M.register_callback(tool, E.LINE, None)
        M.free_tool_id(tool)
    first = g.__code__.co_firstlineno
    assert dict(counter.dropped) == {'comprehension clean-up': 1, **({'3.12 mid-line jump': 1} if PY312 else {})}
    assert counter.counts[id(g.__code__), first + 1] == 1    # x = a and f(a): once, the repeat left out on 3.12
