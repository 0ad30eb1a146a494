"Differential check: hit counts agree with CPython's own LINE events wherever a physical line holds one simple statement."
import collections, difflib, fractions, json, statistics, sys, textwrap, argparse
import pytest
from tracefunc import tracefunc
from tracefunc.indexer import func_index

M = sys.monitoring

def traced_with_line_counts(target, fn):
    "Run `fn` under `tracefunc` (target `target`) while another tool counts LINE events on the same code objects."
    codes = [t.code for t in func_index(target.__code__).tables]
    tool = next(i for i in (2, 1, 0, 5) if M.get_tool(i) is None)
    counts = collections.Counter()
    def on_line(code, line): counts[line] += 1
    M.use_tool_id(tool, 'line-counter')
    M.register_callback(tool, M.events.LINE, on_line)
    for c in codes: M.set_local_events(tool, c, M.events.LINE)
    try: res = tracefunc(fn, target_func=target)
    finally:
        for c in codes: M.set_local_events(tool, c, 0)
        M.register_callback(tool, M.events.LINE, None)
        M.free_tool_id(tool)
    return res, counts

def comparable(lines):
    "Simple one-line statements alone on their physical line: there a LINE event is exactly an entry."
    per_line = collections.Counter(n for l in lines for n in range(l.pos[0], l.end[0] + 1))
    skip = ('Return',)   # `return` inside try/finally or with is re-entered after the clean-up: both count it, differently
    return [l for l in lines if l.kind == 'stmt' and not hasattr(l.node, 'body') and '\n' not in l.text
            and per_line[l.pos[0]] == 1 and type(l.node).__name__ not in skip]

CASES = [
    (textwrap.TextWrapper._wrap_chunks, lambda: textwrap.wrap("hello world " * 30, 20)),
    (difflib.SequenceMatcher.get_matching_blocks, lambda: difflib.SequenceMatcher(None, "abcdefg" * 20, "abcxefg" * 20).get_matching_blocks()),
    (json.encoder._make_iterencode, lambda: ''.join(json.encoder.JSONEncoder(indent=2).iterencode({'a': [1, 2, {'b': None}]}, _one_shot=False))),
    (statistics.median, lambda: statistics.median([5, 3, 1, 4])),
    (fractions.Fraction.__new__, lambda: fractions.Fraction('3/7')),
    (argparse.ArgumentParser._parse_known_args, lambda: argparse.ArgumentParser().parse_args([])),
]

@pytest.mark.parametrize('target,fn', CASES, ids=[t.__qualname__ for t, _ in CASES])
def test_hits_match_line_events(target, fn):
    res, counts = traced_with_line_counts(target, fn)
    (_, d), = res
    lines = comparable(func_index(target.__code__).lines)
    assert len(lines) >= 3
    ours = {l.key: d.get(l.key, (0,))[0] for l in lines}
    theirs = {l.key: counts.get(l.pos[0], 0) for l in lines}
    assert ours == theirs
    assert sum(ours.values()) > 0
