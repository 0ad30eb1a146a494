"Reading a trace (tracefunc.format): what the report, the markdown display, to_dict and diff show and leave out."
import json, math, re

import pytest

from tracefunc import tracefunc, tracing, TraceResults
from tracefunc.format import format_text, format_markdown, is_noise, show_values, to_json, trace_diff
from conftest import message

ZDE = message(lambda: 10 / 0)   # what `crash` raises, in the running Python's words


def lines_of(text):
    "Report lines without the count margin and the values comment: `(count, indented source)`"
    out = []
    for l in text.splitlines():
        m = re.match(r'^ *(\d+×|·|) {2}(.*?)(?: +# .*)?$', l)
        if m and m[2].strip(): out.append((m[1], m[2].rstrip()))
    return out

def comment(text, src):
    "The values comment of the report line whose source is `src`"
    for l in text.splitlines():
        if re.match(rf'^ *(\d+×|·) +{re.escape(src)}( |$)', l): return l.split('  # ', 1)[1] if '  # ' in l else ''
    raise KeyError(src)


def loop(n):
    total = 0
    for i in range(n): total += i
    return total

def test_report_lists_every_hit_line_in_source_order_with_counts():
    text = str(tracefunc(loop, 3))
    assert lines_of(text) == [('1×', 'total = 0'), ('4×', 'for i in range(n):'), ('3×', '    total += i'), ('1×', 'return total')]
    assert text.splitlines()[0].startswith('loop (') and text.splitlines()[0].endswith(': 1 call')
    assert text.splitlines()[-1] == 'Returned 3'

def test_values_constant_once_changing_as_sequence_noise_left_out():
    text = str(tracefunc(loop, 3))
    assert comment(text, 'for i in range(n):') == 'i = 0 → 1 → 2; n = 3'      # range: a class that never changes
    assert comment(text, 'total += i') == 'total = 0 → 1 → 3; i = 0 → 1 → 2'
    full = str(tracefunc(loop, 3).report(full=True))
    assert comment(full, 'for i in range(n):') == "i = 0 → 1 → 2 → 2; range = <class 'range'> → <class 'range'> → <class 'range'> → <class 'range'>; n = 3 → 3 → 3 → 3"

def test_long_sequences_show_first_values_and_the_last_and_say_what_was_sampled():
    res = tracefunc(loop, 30)
    text = str(res)
    assert comment(text, 'total += i') == 'total = 0 → 1 → 3 → 6 → 10 … 45; i = 0 → 1 → 2 → 3 → 4 … 9  (first 10 of 30 hits)'
    res.keep = None   # a result that does not say which hits were kept (e.g. read back from old JSON)
    assert comment(str(res), 'total += i').endswith('(10 of 30 hits sampled)')
    assert 'i = 0 → 1 → 2 → 3 → 4 → 5 → 6 → 7 → 8 → 9' in str(res.report(max_values=None))

def uses_things(xs):
    m = math.floor(xs[0])
    f = len
    k = f(xs) + m
    return sorted(xs)[k - 3]

def test_noise_is_builtins_modules_classes_functions_that_never_change():
    text = str(tracefunc(uses_things, [1.5, 2.5, 0.5]))
    assert comment(text, 'm = math.floor(xs[0])') == 'm = 1; xs = [1.5, 2.5, 0.5]'     # math: a module
    assert comment(text, 'f = len') == ''                                             # only the builtin
    assert 'sorted' not in comment(text, 'return sorted(xs)[k - 3]')
    assert is_noise([('module', "<module 'math'>")] * 3)
    assert is_noise([('ABCMeta', "<class 'collections.abc.Sized'>")])
    assert not is_noise([('function', '<function f>'), ('function', '<function g>')])
    assert not is_noise([('int', '1')])
    assert not is_noise([])
    full = str(tracefunc(uses_things, [1.5, 2.5, 0.5]).report(noise=True))
    assert 'math = <module' in full and 'len = <built-in function len>' in full

def test_data_keeps_the_noise():
    d = tracefunc(uses_things, [1.5, 2.5, 0.5]).to_dict()
    names = {l['key']: l['names'] for l in d['calls'][0]['lines']}
    assert names['f = len']['len'] == [['builtin_function_or_method', '<built-in function len>']]

def test_show_values():
    s = [('int', str(i)) for i in range(8)]
    assert show_values(s) == '0 → 1 → 2 → 3 → 4 … 7'
    assert show_values(s, max_values=3) == '0 → 1 … 7'
    assert show_values([('int', '1'), ('int', '1'), ('int', '2'), ('int', '1')]) == '1 → 2 → 1'
    assert show_values([]) == ''


def branches(x, xs):
    if x > 1: a = 2
    elif x: a = 1
    else: a = 0
    try:
        b = 1 / a
    except ZeroDivisionError as e: b = None
    else: b += 1
    finally: c = [v * 2 for v in xs if v]
    for v in xs:
        if v: continue
    else: c.append(0)
    x = 1; y = 2
    return b, c, x + y

def test_each_statement_its_own_line_indented_by_nesting_with_clauses():
    text = str(tracefunc(branches, 0, [1, 0, 3], incl_unhit=True))
    assert lines_of(text) == [
        ('1×', 'if x > 1:'), ('·', '    a = 2'), ('1×', 'elif x:'), ('·', '    a = 1'), ('', 'else:'), ('1×', '    a = 0'),
        ('1×', 'try:'), ('1×', '    b = 1 / a'), ('1×', 'except ZeroDivisionError as e:'), ('1×', '    b = None'),
        ('', 'else:'), ('·', '    b += 1'), ('', 'finally:'), ('1×', '    c = [v * 2 for v in xs if v]'),
        ('2×', '        ↳ [v * 2 for v in xs if v]'), ('4×', 'for v in xs:'), ('3×', '    if v:'), ('2×', '        continue'),
        ('', 'else:'), ('1×', '    c.append(0)'), ('1×', 'x = 1'), ('1×', 'y = 2'), ('1×', 'return b, c, x + y')]
    assert comment(text, '↳ [v * 2 for v in xs if v]') == 'v = 1 → 3; xs = [1, 0, 3]'
    assert comment(text, 'a = 2') == 'unhit'
    without = str(tracefunc(branches, 0, [1, 0, 3]))
    assert 'a = 2' not in without and 'unhit' not in without and 'b += 1' not in without

def nested(x):
    def inner(y):
        return x + y
    class K:
        z = 3
    total = sum(inner(i) for i in range(2))
    s = ('a'
         'b')
    s = ('a'
         'b')
    return total + K.z

def test_nested_bodies_genexps_multiline_statements_and_duplicate_texts():
    res = tracefunc(nested, 10)
    text = str(res)
    assert ('1×', 'def inner(y):') in lines_of(text) and ('2×', '    return x + y') in lines_of(text)
    assert ('1×', '    z = 3') in lines_of(text)
    assert ('2×', '    ↳ (inner(i) for i in range(2))') in lines_of(text)
    assert text.count("1×  s = ('a'") == 2                          # both, without the disambiguating space
    assert re.search(r"^1×  s = \('a' +# s = 'ab'\n {9}'b'\)$", text, re.M)    # the continuation under 'a', as in the source
    keys = [l['key'] for l in res.to_dict()['calls'][0]['lines']]
    assert keys.count("s = ('a'\n         'b')") == 1 and keys.count("s = ('a'\n         'b') ") == 1

def test_lambda_target_and_calls_with_stacks():
    sq = lambda v: v * v
    def use(n): return [sq(i) for i in range(n)]
    res = tracefunc(use, 3, target_func=sq)
    text = str(res)
    assert text.count('── call ') == 3 and '── call 3 of 3: test_lambda_target_and_calls_with_stacks.<locals>.use (' in text
    assert '.<locals>.use (test_format.py:' in text and ' → test_lambda_target_and_calls_with_stacks.<locals>.<lambda> (' in text
    assert lines_of(text).count(('1×', 'v * v')) == 3
    assert '.<lambda> (' in res.to_dict()['calls'][2]['stack'][-1]

def crash(xs):
    total = 0
    for x in xs: total += 10 / x
    return total

def test_exception_at_the_end_and_repr_unchanged():
    res = tracefunc(crash, [5, 2, 0, 1])
    text = str(res)
    assert text.splitlines()[-1] == f'Raised ZeroDivisionError: {ZDE}'
    assert ('3×', '    total += 10 / x') in lines_of(text)
    assert 'return total' not in text and 'Returned' not in text
    assert repr(res) == repr(list(res)) and repr(res).startswith("[('', {")

def test_report_of_tracing_results_and_of_no_calls():
    with tracing(loop) as res:
        loop(2); loop(1)
    text = str(res)
    assert text.splitlines()[0].endswith(': 2 calls') and '── call 2 of 2: ' in text
    assert 'Returned' not in text                                  # tracing has no return value
    with pytest.raises(ZeroDivisionError):
        with tracing(crash) as res2: crash([0])
    assert str(res2).splitlines()[-1] == f'Raised ZeroDivisionError: {ZDE}'
    with tracing(crash) as none: pass
    assert str(none).splitlines()[0].endswith(': no calls recorded')
    assert str(TraceResults()) == 'trace: no calls recorded'


def test_to_dict_schema():
    res = tracefunc(crash, [5, 0])
    d = res.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {'function', 'file', 'lineno', 'keep', 'calls', 'exception', 'returned', 'incomplete'}
    assert (d['function'], d['lineno'], d['exception'], d['returned'], d['incomplete']) == ('crash', crash.__code__.co_firstlineno,
            {'type': 'ZeroDivisionError', 'message': ZDE}, None, None)
    assert d['file'].endswith('test_format.py')
    (call,) = d['calls']
    assert call['stack'] == []
    for l in call['lines']:
        assert set(l) == {'key', 'kind', 'lineno', 'col', 'depth', 'hits', 'names'}
        assert all(len(s) == min(l['hits'], 10) for s in l['names'].values())
    assert call['lines'][2] == {'key': 'total += 10 / x', 'kind': 'stmt', 'lineno': crash.__code__.co_firstlineno + 2,
        'col': 17, 'depth': 1, 'hits': 2, 'names': {'total': [['float', '2.0'], ['float', '2.0']], 'x': [['int', '5'], ['int', '0']]}}
    assert tracefunc(loop, 2).to_dict()['returned'] == ['int', '1']

def test_reports_are_pure_functions_of_the_data():
    res = tracefunc(branches, 2, [1, 0], incl_unhit=True)
    d = json.loads(to_json(res.to_dict()))
    assert format_text(d) == str(res)
    assert format_markdown(d) == res._repr_markdown_()

def test_to_json_one_record_a_line():
    d = tracefunc(loop, 2).to_dict()
    text = to_json(d)
    assert json.loads(text) == d
    assert sum(l.lstrip().startswith('{"key": ') for l in text.splitlines()) == 4


def test_markdown_table_details_unhit_and_escaping():
    def pipes(s):
        t = s.replace('|', '*') + '$x$'
        return t
    m = tracefunc(pipes, 'a|b')._repr_markdown_()
    assert '| hits | source | values |\n|---:|:---|:---|' in m
    assert '| 1× | <code>t&nbsp;=&nbsp;s.replace(&#39;&#124;&#39;,&nbsp;&#39;&#42;&#39;)&nbsp;+&nbsp;&#39;&#36;x&#36;&#39;</code> |' in m
    assert '|' not in re.sub(r'^\|.*\|$', '', m, flags=re.M).replace('|---', '')   # no stray table pipes
    bad = tracefunc(branches, 0, [0], incl_unhit=True)._repr_markdown_()
    assert '| · | <code>&nbsp;&nbsp;&nbsp;&nbsp;a&nbsp;=&nbsp;2</code> | *unhit* |' in bad
    assert '|  | <code>else:</code> |  |' in bad
    calls = tracefunc(lambda: [loop(1), loop(2)], target_func=loop)._repr_markdown_()
    assert calls.count('<details><summary>called from <code>test&#95;markdown') == 2 and calls.count('| hits |') == 2
    assert tracefunc(crash, [0])._repr_markdown_().endswith(f"<code>Raised&nbsp;ZeroDivisionError:&nbsp;{ZDE.replace(' ', '&nbsp;')}</code>")


def test_diff_lists_only_differing_lines():
    ok, bad = tracefunc(crash, [5, 2]), tracefunc(crash, [5, 0])
    d = ok.diff(bad)
    assert [(x['key'], x['hits']) for x in d] == [('for x in xs:', [3, 2]), ('total += 10 / x', [2, 2]), ('return total', [1, None])]
    assert d[1]['names'] == {'total': [[['float', '2.0'], ['float', '7.0']], [['float', '2.0'], ['float', '2.0']]],
                             'x': [[['int', '5'], ['int', '2']], [['int', '5'], ['int', '0']]]}
    assert '\n  total = 0\n' not in str(d) and '\n  for x in xs:\n' in str(d)   # same count and values: not listed
    assert len(ok.diff(tracefunc(crash, [5, 2]))) == 0 and not ok.diff(ok.to_dict())
    text = str(d)
    assert re.search(r'^\+ +\(not run\)$', text, re.M) and text.splitlines()[-2:] == ['- Returned 7.0', f'+ Raised ZeroDivisionError: {ZDE}']
    assert json.loads(to_json(list(d))) == list(d)

def test_diff_hits_only_values_only_and_extra_calls():
    a, b = tracefunc(loop, 3), tracefunc(loop, 2)
    d = {x['key']: x for x in a.diff(b)}
    assert d['for i in range(n):']['hits'] == [4, 3] and set(d['for i in range(n):']['names']) == {'i', 'n', 'range'}
    assert 'total = 0' not in d
    assert 'range = ' not in str(a.diff(b))        # same class on every hit: only the counts differ
    def twice(x, y): return x + y
    same_hits = trace_diff(tracefunc(twice, 1, 2).to_dict(), tracefunc(twice, 2, 1).to_dict(), labels=('1+2', '2+1'))
    assert [x['hits'] for x in same_hits] == [[1, 1]] and set(same_hits[0]['names']) == {'x', 'y'}
    assert str(same_hits).splitlines()[:2] == [f'--- 1+2: {format_text(tracefunc(twice, 1, 2).to_dict()).splitlines()[0]}',
                                               f'+++ 2+1: {format_text(tracefunc(twice, 2, 1).to_dict()).splitlines()[0]}']
    with tracing(loop) as two: loop(1); loop(1)
    with tracing(loop) as one: loop(1)
    extra = two.diff(one)
    assert {x['call'] for x in extra} == {2} and all(x['hits'][1] is None for x in extra)
    assert '| call | line |' in extra._repr_markdown_()


def safe_ratio(a, b):
    try: r = a / b
    except ZeroDivisionError: r = None
    return r

def test_returning_none_is_an_outcome_and_unhit_lines_diff_as_not_run():
    "A function that returned None says so (it did not raise); a line unhit in one trace reads '(not run)' in the diff."
    ok, zero = tracefunc(safe_ratio, 1, 2, incl_unhit=True), tracefunc(safe_ratio, 1, 0)
    assert ok.to_dict()['returned'] == ['float', '0.5'] and zero.to_dict()['returned'] == ['NoneType', 'None']
    assert str(zero).splitlines()[-1] == 'Returned None'
    with tracing(safe_ratio) as t: safe_ratio(1, 0)
    assert t.to_dict()['returned'] is None     # a tracing block has no return value
    text = str(ok.diff(zero))
    assert '-     (not run)\n+     1×' in text and '0×' not in text

def early_return(x):
    if x: return 1
    return 2

def test_diff_leaves_out_a_line_unhit_in_one_trace_and_absent_in_the_other():
    a, b = tracefunc(early_return, 1, incl_unhit=True), tracefunc(early_return, 1)
    assert a[0][1]['return 2'] == (0, {}) and 'return 2' not in b[0][1]
    assert list(a.diff(b)) == [] and list(b.diff(a)) == []
    d = a.diff(tracefunc(early_return, 0))
    assert [(x['key'], x['hits']) for x in d] == [('if x:', [1, 1]), ('return 1', [1, None]), ('return 2', [0, 1])]

class TwoLines:
    def __repr__(self): return 'line1\nline2'

def keep(o):
    x = o
    return 1

def test_a_multi_line_repr_stays_on_its_statements_report_line():
    out = str(tracefunc(keep, TwoLines())).splitlines()
    assert [l for l in out if 'x = o' in l] == [r'1×  x = o     # x = line1\nline2; o = line1\nline2'], out
    assert tracefunc(keep, TwoLines())[0][1]['x = o'][1]['x'] == [('TwoLines', 'line1\nline2')]   # the data keeps it


# --- the HTML view ---------------------------------------------------------------------------------------------------

from html.parser import HTMLParser
from tracefunc.format import format_html, format_diff_html, call_summary, highlight, md_code
import tracefunc.format as F

class Tree(HTMLParser):
    "The elements of an HTML text, with their attributes and the text inside them; checks that tags are balanced."
    VOID = {'br', 'img', 'input', 'meta', 'link', 'hr'}
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.stack, self.elems, self.texts = [], [], []
        self.feed(text); self.close()
        assert not self.stack, self.stack
    def handle_starttag(self, tag, attrs):
        e = dict(tag=tag, attrs=dict(attrs), text='')
        self.elems.append(e)
        if tag not in self.VOID: self.stack.append(e)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1]['tag'] == tag, (tag, self.stack[-1:])
        self.stack.pop()
    def handle_data(self, data):
        for e in self.stack: e['text'] += data
        self.texts.append(data)
    def select(self, tag, cls=None):
        return [e for e in self.elems if e['tag'] == tag and (cls is None or cls in e['attrs'].get('class', '').split())]

def shout(s):
    t = s.upper() + "</pre><script>x()</script>"
    return t

def test_html_escapes_everything_from_the_program_and_fetches_nothing():
    res = tracefunc(shout, '<img src=x onerror=y()> & "q"')
    h = res._repr_html_()
    tree = Tree(h)
    assert [e['tag'] for e in tree.elems if e['tag'] in ('script', 'img')] == []
    assert not any(set(e['attrs']) & {'src', 'href', 'srcset', 'onerror', 'onload'} for e in tree.elems)
    assert not re.search(r'url\(|@import|https?:', ''.join(e['text'] for e in tree.select('style')))
    (t_row, ret_row) = tree.select('tr', 'tf-line')
    assert '"</pre><script>x()</script>"' in t_row['text'] and "s = '<img src=x onerror=y()> & \"q\"'" in t_row['text']
    assert 'Returned' in tree.select('div', 'tf-outcome')[0]['text']

def test_html_rows_bars_unhit_and_clauses():
    def branchy(xs):
        out = []
        for x in xs:
            if x > 2: out.append(x)
            else: out.append(-x)
        return out
    res = tracefunc(branchy, [5, 7, 9], incl_unhit=True)
    tree = Tree(res._repr_html_())
    rows = tree.select('tr', 'tf-line')
    assert [(r['attrs']['data-hits'], 'tf-unhit' in r['attrs']['class']) for r in rows] == [
        ('1', False), ('4', False), ('3', False), ('3', False), ('0', True), ('1', False)]
    widths = [e['attrs']['style'] for e in tree.select('div', 'tf-fill')]
    assert widths == ['width:25.0%', 'width:100.0%', 'width:75.0%', 'width:75.0%', 'width:0.0%', 'width:25.0%']
    assert [e['text'] for e in tree.select('tr', 'tf-clause')] == ['    else:']
    assert [e['text'] for e in tree.select('pre', 'tf-src')][3:6] == ['        out.append(x)', '    else:', '        out.append(-x)']
    assert 'unhit' in rows[4]['text']

def test_html_folds_long_sequences_only():
    res = tracefunc(loop, 12)
    tree = Tree(res._repr_html_())
    folds = tree.select('details', 'tf-fold')
    assert len(folds) == 3 and all('open' not in f['attrs'] for f in folds)   # `i` twice and `total`: 10 samples each
    assert tree.select('span', 'tf-whole')[0]['text'] == '0 → 1 → 2 → 3 → 4 → 5 → 6 → 7 → 8 → 9'
    short = Tree(tracefunc(loop, 3)._repr_html_())
    assert short.select('details', 'tf-fold') == []

def test_html_several_calls_summary_and_sections():
    def f(n): return n if n < 2 else f(n - 1) + f(n - 2)
    with tracing(f, max_calls=4) as res: f(4)
    d = res.to_dict()
    assert [(r['line']['key'], r['calls'], r['hits']) for r in call_summary(d)] == [('return n if n < 2 else f(n - 1) + f(n - 2)', 4, 4)]
    tree = Tree(format_html(d))
    calls = tree.select('details', 'tf-call')
    assert ['open' in c['attrs'] for c in calls] == [True, False, False, False]
    assert 'open' in tree.select('details', 'tf-summary')[0]['attrs'] and len(tree.select('table', 'tf-sum')) == 1
    assert [e['text'] for e in tree.select('summary') if e['text'].startswith('call ')][1].startswith('call 2 of 4: called from test_html_several_calls_summary_and_sections.<locals>.f (test_format.py:')
    one = Tree(tracefunc(loop, 3)._repr_html_())
    assert one.select('details', 'tf-call') == [] and one.select('table', 'tf-sum') == []

def test_html_is_the_same_content_from_json_and_says_when_incomplete():
    res = tracefunc(loop, 3)
    d = json.loads(json.dumps(res.to_dict()))
    assert format_html(d) == res._repr_html_()
    d['incomplete'] = dict(error='IndexError: x', origin=None, event='LINE', at='loop (t.py:3)', calls=1)
    assert '⚠ trace incomplete: the tracer failed at LINE in loop (t.py:3)' in Tree(format_html(d)).select('div', 'tf-raised')[0]['text']

def test_highlight_without_pygments_is_escaped_text(monkeypatch):
    monkeypatch.setattr(F, '_HL', [None])
    assert highlight('if a < b: x = "<i>"') == 'if a &lt; b: x = "&lt;i&gt;"'
    h = tracefunc(loop, 2)._repr_html_()
    assert '<pre class="tf-code tf-src">for i in range(n):</pre>' in h

def test_html_diff():
    a, b = tracefunc(crash, [5, 2]), tracefunc(crash, [5, 0, 2])
    tree = Tree(format_diff_html(a.diff(b, labels=('ok', 'bad'))))
    rows = tree.select('tr', 'tf-line')
    assert len(rows) == len(a.diff(b)) == 3 and [r['attrs']['data-call'] for r in rows] == ['1', '1', '1']
    assert [e['text'] for e in tree.select('div', 'tf-outcome')][-1].startswith('bad: Raised ZeroDivisionError')
    assert 'tf-raised' in tree.select('div', 'tf-outcome')[-1]['attrs']['class']
    same = Tree(format_diff_html(a.diff(a)))
    assert same.select('table') == [] and same.select('div', 'tf-title')[0]['text'] == 'diff a vs b: 0 lines differ'

def test_each_call_that_raised_says_so_in_every_form():
    "Where the results say what each call raised (the command line's, the plugin's): text, markdown and HTML all say it."
    def half(n):
        if n % 2: raise ValueError(f'{n} is odd')
        return n // 2
    def run(ns):
        out = []
        for n in ns:
            try: out.append(half(n))
            except ValueError: out.append(None)
        return out
    res = tracefunc(run, [2, 3, 4], target_func=half)
    res.raised = {1: ('ValueError', '3 is odd')}
    d = res.to_dict()
    assert [c['raised'] for c in d['calls']] == [None, {'type': 'ValueError', 'message': '3 is odd'}, None]
    assert format_text(d).count('Raised ValueError: 3 is odd') == 1
    md, said_md = format_markdown(d).split('**call '), md_code('Raised ValueError: 3 is odd')
    assert [said_md in part for part in md[1:]] == [False, True, False]
    tree = Tree(format_html(d))
    calls = tree.select('details', 'tf-call')
    assert len(calls) == 3
    said = [e['text'] for e in tree.select('div', 'tf-raised')]
    assert said == ['Raised ValueError: 3 is odd']
    assert 'Raised ValueError: 3 is odd' in format_html(d).split('call 2 of 3')[1].split('call 3 of 3')[0]
