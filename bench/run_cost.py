"""What tracing a program costs when the target is never called: `python -m tracefunc -t TARGET script.py` next to
`python script.py`, on a script that imports and uses many library modules.

The runs are interleaved (one of each variant per round, the order rotating from round to round), so that a
machine's drift hits every variant alike; each variant's wall time and CPU time (user + system, which a busy machine
disturbs less) are the medians of its rounds, and the ratios are those medians over the plain runs'. The variants:

- `plain`: `python script.py`
- `never found`: `-t not_imported:f`, a module the program never imports (the import hook watches every import)
- `never called`: `-t unused`, a function of the script, armed before the script runs and never called
- `library, never called`: `-t json:load`, a library function armed for the whole run and never called
- `path target, never found`: `-t other.py:f`, a file the program never imports (every import is checked against it)

    python bench/run_cost.py              # 11 rounds
    python bench/run_cost.py --rounds 5   # quicker
"""
import argparse, os, resource, statistics, subprocess, sys, tempfile, textwrap, time
from pathlib import Path

SCRIPT = '''
import argparse, asyncio, csv, decimal, email.message, email.parser, io, json, logging, sqlite3, statistics, textwrap
import urllib.parse, xml.etree.ElementTree as ET, zipfile
try: import jinja2
except ImportError: jinja2 = None
try: import pygments.lexers, pygments.formatters, pygments
except ImportError: pygments = None

def unused(x):
    return x

def work():
    rows = [{'id': i, 'name': f'item{i}', 'price': str(decimal.Decimal(i) / 7)} for i in range(2000)]
    buf = io.StringIO()
    w = csv.DictWriter(buf, list(rows[0]))
    w.writeheader(); w.writerows(rows)
    data = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert json.loads(json.dumps(data)) == data
    db = sqlite3.connect(':memory:')
    db.execute('create table t(id, name, price)')
    db.executemany('insert into t values (?, ?, ?)', [tuple(r.values()) for r in rows])
    root = ET.fromstring('<r>' + ''.join(f'<i n="{i}">{i * i}</i>' for i in range(2000)) + '</r>')
    total = sum(int(e.text) for e in root)
    spread = statistics.stdev(float(r['price']) for r in data)
    for i in range(200):
        m = email.message.EmailMessage()
        m['Subject'] = f'subject {i}'
        m.set_content('body ' * 20)
        email.parser.Parser().parsestr(m.as_string())
    urls = [urllib.parse.urlparse(f'https://example.com/a/{i}?q={i}#f') for i in range(2000)]
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, 'w') as z: z.writestr('rows.json', json.dumps(rows))
    asyncio.run(asyncio.sleep(0))
    if jinja2: jinja2.Template('{% for r in rows %}{{ r.name }} {% endfor %}').render(rows=rows)
    if pygments: pygments.highlight(textwrap.dedent(SRC), pygments.lexers.PythonLexer(), pygments.formatters.HtmlFormatter())
    logging.getLogger('bench').debug('done %s %s %s', total, spread, len(urls))

SRC = open(__file__).read()
work()
'''

VARIANTS = {
    'plain': [],
    'never found': ['-m', 'tracefunc', '-t', 'not_imported:f'],
    'never called': ['-m', 'tracefunc', '-t', 'unused'],
    'library, never called': ['-m', 'tracefunc', '-t', 'json:load'],
    'path target, never found': ['-m', 'tracefunc', '-t', 'other.py:f'],
}

def cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime

def run_once(args, cwd):
    "Wall time and CPU time (user + system) of one run of `python ARGS script.py`."
    t, c = time.perf_counter(), cpu()
    r = subprocess.run([sys.executable, *args, 'script.py'], cwd=cwd, capture_output=True, text=True)
    dt, dc = time.perf_counter() - t, cpu() - c
    if r.returncode: raise SystemExit(f'{args} failed:\n{r.stderr}')
    return dt, dc

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--rounds', type=int, default=11)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        Path(d, 'script.py').write_text(textwrap.dedent(SCRIPT).lstrip())
        Path(d, 'other.py').write_text('def f(): pass\n')
        names = list(VARIANTS)
        for n in names: run_once(VARIANTS[n], d)   # warm the file caches
        times = {n: [] for n in names}
        for i in range(a.rounds):
            for n in names[i % len(names):] + names[:i % len(names)]: times[n].append(run_once(VARIANTS[n], d))
    print(f'{sys.version.split()[0]}, {a.rounds} interleaved rounds; medians per run, and the ratio to plain (wall / CPU)')
    wall = {n: statistics.median(t[0] for t in times[n]) for n in names}
    cpu_ = {n: statistics.median(t[1] for t in times[n]) for n in names}
    for n in names:
        print(f'  {n:26} wall {wall[n] * 1000:6.1f} ms {wall[n] / wall["plain"]:5.2f}x   '
              f'CPU {cpu_[n] * 1000:6.1f} ms {cpu_[n] / cpu_["plain"]:5.2f}x  ({(cpu_[n] - cpu_["plain"]) * 1000:+.1f} ms)')

if __name__ == '__main__': main()
