"""The notebook experience end to end (SPEC 4): a notebook executed in a real kernel (nbclient + ipykernel), exported
with nbconvert (JupyterLab's light and dark themes), and looked at in headless Chromium, asserting on the rendered DOM:
rows, the bars' widths as rendered, folded values, collapsed calls, escaping, contrast. Screenshots and the exported
pages are kept in build/browser-test/ (git-ignored).

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them) and the dev extra (nbclient, ipykernel,
nbconvert, selenium). Where they are missing the tests skip, saying what is missing; with the environment variable CI
set, a missing piece is a failure instead."""
import json, os, re, shutil, sys, tempfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT/'build'/'browser-test'
# Chromium here must not look anything up: the network is closed, and lookups would hang
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND', '--window-size=1200,2400',
         '--hide-scrollbars', '--force-device-scale-factor=1']

def _missing():
    "What the browser test lacks, or None."
    for mod in ('nbclient', 'ipykernel', 'nbconvert', 'nbformat', 'selenium'):
        try: __import__(mod)
        except ImportError: return f'the Python package {mod} (pip install -e ".[dev]")'
    if not _chromium(): return "Chromium (apt-get install -y chromium chromium-driver)"
    if not _driver(): return "chromedriver (apt-get install -y chromium-driver)"

def _chromium(): return next(filter(None, map(shutil.which, ('chromium', 'chromium-browser', 'google-chrome'))), None)
def _driver(): return shutil.which('chromedriver')

def _need_browser():
    why = _missing()
    if why is None: return
    if os.environ.get('CI'): pytest.fail(f'CI is set and the browser test cannot run: missing {why}')
    pytest.skip(f'browser test skipped: missing {why}')

CELLS = [
    ('%load_ext tracefunc', []),
    ('from tracefunc import tracefunc', []),
    ('''def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2: n = 3 * n + 1
        else: n //= 2
        steps += 1
    return steps''', []),
    ('tracefunc(collatz_steps, 27)', []),
    ('''%%tracefunc -n 3 collatz_steps
[collatz_steps(n) for n in (1, 6, 7)]''', []),
    ('''def tricky(s):
    t = (s +
         '<b>bold</b>')
    return t

tracefunc(tricky, '<script>alert(1)</script>')''', []),
    ('tracefunc(collatz_steps, 6).diff(tracefunc(collatz_steps, 7), labels=("6", "7"))', []),
    ('''%%tracefunc
import asyncio
await asyncio.sleep(0)
'slept'
''', []),
    ('''%%tracefunc
xs = [3, 0]
inv = [1 / x for x in xs]''', ['raises-exception']),
]

@pytest.fixture(scope='module')
def notebook():
    "The notebook of CELLS executed in a real kernel, and its exports (light and dark) written to build/browser-test."
    _need_browser()
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={'tags': tags}) for src, tags in CELLS]
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    with tempfile.TemporaryDirectory() as d:
        NotebookClient(nb, timeout=120, kernel_name='python3', resources={'metadata': {'path': d}}).execute()
    OUT.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, OUT/'notebook.ipynb')
    pages = {}
    for theme in ('light', 'dark'):
        body, _ = HTMLExporter(template_name='lab', theme=theme).from_notebook_node(nb)
        pages[theme] = OUT/f'notebook-{theme}.html'
        pages[theme].write_text(body, encoding='utf-8')
    return nb, pages

@pytest.fixture(scope='module')
def browser(notebook):
    "One headless Chromium for the module, with a fresh profile."
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = _chromium()
    profile = tempfile.mkdtemp(prefix='tracefunc-chromium-')
    for a in FLAGS + [f'--user-data-dir={profile}']: opts.add_argument(a)
    drv = webdriver.Chrome(service=Service(_driver()), options=opts)
    drv.set_page_load_timeout(60)
    try: yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)

def outputs(nb, i):
    "The outputs of cell `i`: a list of (output type, data or text)."
    return [(o.output_type, o.get('data') or o.get('text') or o.get('ename')) for o in nb.cells[i].outputs]

def test_the_kernel_ran_the_cells_as_a_notebook_does(notebook):
    nb, _ = notebook
    n3 = nb.cells[3].execution_count
    html = outputs(nb, 3)[0][1]['text/html']
    assert f'(Cell In[{nb.cells[2].execution_count}], line 1)' in html   # the function's cell, as IPython names it
    assert 'ipykernel_' not in html and '/tmp/' not in html
    # %%tracefunc TARGET: the trace, then the cell's value as its Out[n]
    (t1, d1), (t2, d2) = outputs(nb, 4)
    assert (t1, t2) == ('display_data', 'execute_result') and d2['text/plain'] == '[0, 8, 16]'
    assert nb.cells[4].outputs[1].execution_count == nb.cells[4].execution_count != n3
    # a cell that awaits
    assert outputs(nb, 7)[-1] == ('execute_result', {'text/plain': "'slept'"})
    # an exception: the partial trace, then IPython's own traceback, the cell failed
    (t1, d1), (t2, name) = outputs(nb, 8)
    assert t1 == 'display_data' and 'Raised ZeroDivisionError' in d1['text/plain']
    tb = re.sub(r'\x1b\[[0-9;]*m', '', '\n'.join(nb.cells[8].outputs[1].traceback))
    assert (t2, name) == ('error', 'ZeroDivisionError') and f'Cell In[{nb.cells[8].execution_count}], line 3' in tb
    assert 'jupyter.py' not in tb

def test_reports_fetch_nothing(notebook):
    "The HTML view is self-contained: no script, no external style sheet, font or image, nothing to fetch."
    nb, _ = notebook
    views = [d['text/html'] for c in nb.cells for o in c.outputs if (d := o.get('data')) and 'text/html' in d]
    assert len(views) == 6
    for h in views:
        assert not re.search(r'<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import|https?:', h, re.I), h[:200]

# What the page shows, read in the browser: per report, its rows with their hits and the widths of their bars as
# rendered, its folded values, its calls; contrast comes from the computed colours.
PROBE = '''
// (content of a closed <details> still has boxes in current Chromium, hidden by content-visibility: checkVisibility sees that)
const vis = e => !!e && e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true});
const reports = [...document.querySelectorAll('.tf-report')];
const bg = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
                  if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
return reports.map(r => ({
  text: r.innerText,
  tags: [...r.querySelectorAll('*')].map(e => e.tagName.toLowerCase()),
  tables: [...r.querySelectorAll('table')].map(t => ({cls: t.className, visible: vis(t),
    rows: [...t.querySelectorAll('tr.tf-line')].map(tr => {
      const fill = tr.querySelector('.tf-fill'), track = tr.querySelector('.tf-track');
      return {hits: +tr.dataset.hits, calls: tr.dataset.calls === undefined ? null : +tr.dataset.calls,
              text: tr.innerText, src: tr.querySelector('.tf-src').innerText, fill: fill ? fill.getBoundingClientRect().width : null,
              track: track ? track.getBoundingClientRect().width : null}; })})),
  folds: [...r.querySelectorAll('details.tf-fold')].map(d => ({open: d.open, seq: vis(d.querySelector('.tf-seq')),
    whole: vis(d.querySelector('.tf-whole')), text: d.innerText})),
  calls: [...r.querySelectorAll('details.tf-call')].map(d => ({open: d.open, table: vis(d.querySelector('table'))})),
  color: getComputedStyle(r.querySelector('.tf-src')).color,
  keyword: r.querySelector('.tf-src .k') ? getComputedStyle(r.querySelector('.tf-src .k')).color : null,
  fillColor: r.querySelector('.tf-fill') ? getComputedStyle(r.querySelector('.tf-fill')).backgroundColor : null,
  background: bg(r)}));
'''

def _rgb(c): return [int(x) for x in re.findall(r'\d+', c)[:3]]

def contrast(a, b):
    "WCAG contrast ratio of two CSS rgb() colours."
    def lum(c):
        c = [x / 255 for x in _rgb(c)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    la, lb = sorted((lum(a), lum(b)))
    return (lb + 0.05) / (la + 0.05)

def load(browser, page):
    "Open exported `page` and wait until its six reports are in the document; what PROBE reads there."
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(page.as_uri())
    WebDriverWait(browser, 30).until(lambda b: b.execute_script(
        "return document.readyState === 'complete' && document.querySelectorAll('.tf-report').length === 6"))
    return browser.execute_script(PROBE)

@pytest.fixture(scope='module')
def light(notebook, browser): return load(browser, notebook[1]['light'])

def test_rows_and_bars_as_rendered(light):
    rep = light[0]   # tracefunc(collatz_steps, 27)
    (tab,) = rep['tables']
    assert [(r['hits'], r['text'].split('\t')[0].strip(), r['src']) for r in tab['rows']] == [
        (1, '1×', 'steps = 0'), (112, '112×', 'while n != 1:'), (111, '111×', '    if n % 2:'), (41, '41×', '        n = 3 * n + 1'),
        (70, '70×', '        n //= 2'), (111, '111×', '    steps += 1'), (1, '1×', 'return steps')]   # indented as written
    top = max(r['hits'] for r in tab['rows'])
    for r in tab['rows']:   # each bar as long as its count is of the hottest line's, as the browser laid it out
        assert r['track'] > 40 and abs(r['fill'] / r['track'] - r['hits'] / top) < 0.02, r
    assert 'else:' in rep['text'] and 'Returned 111' in rep['text']

def test_folded_values_open_on_click(notebook, browser, light):
    folds = light[0]['folds']
    assert folds and all(not f['open'] and f['seq'] and not f['whole'] for f in folds)
    assert any('n = 27 → 82 → 41 → 124 → 62 … 71' in f['text'] for f in folds)   # the first 10 of 112 hits, folded
    d = browser.find_elements('css selector', '.tf-report details.tf-fold')[0]
    d.find_element('css selector', 'summary').click()
    after = browser.execute_script(PROBE)[0]['folds'][0]
    assert after['open'] and after['whole'] and not after['seq']
    assert re.search(r'27 → 82 → 41 → 124 → 62 → 31 → 94 → 47 → 142 → 71', after['text'])

def test_several_calls_collapse_under_a_summary(light):
    rep = light[1]   # %%tracefunc -n 3 collatz_steps
    assert [c['open'] for c in rep['calls']] == [True, False, False]
    assert [c['table'] for c in rep['calls']] == [True, False, False]   # a closed call's table is not rendered
    summary = rep['tables'][0]
    assert summary['cls'] == 'tf-t tf-sum' and summary['visible']
    got = {r['text'].split('\t')[-1].strip(): (r['calls'], r['hits']) for r in summary['rows']}
    assert got == {'steps = 0': (3, 3), 'while n != 1:': (3, 1 + 9 + 17), 'if n % 2:': (2, 8 + 16),
                   'n = 3 * n + 1': (2, 2 + 5), 'n //= 2': (2, 6 + 11), 'steps += 1': (2, 8 + 16), 'return steps': (3, 3)}
    top = max(r['hits'] for r in summary['rows'])
    assert all(abs(r['fill'] / r['track'] - r['hits'] / top) < 0.02 for r in summary['rows'])

def test_program_text_is_shown_not_interpreted(light):
    rep = light[2]   # tricky('<script>alert(1)</script>')
    assert 'script' not in rep['tags'] and rep['tags'].count('b') == 1   # (the title's name is bold)
    assert "s = '<script>alert(1)</script>'" in rep['text'] and "t = '<script>alert(1)</script><b>bold</b>'" in rep['text']
    assert rep['tables'][0]['rows'][0]['src'] == "t = (s +\n     '<b>bold</b>')"   # a statement's lines, as written

def test_the_diff_in_the_same_style(light):
    rep = light[3]
    (tab,) = rep['tables']
    assert tab['cls'] == 'tf-t tf-diff' and len(tab['rows']) == 6 and rep['text'].startswith('diff 6 vs 7: 6 lines differ')

def test_readable_in_light_and_dark_themes(notebook, browser, light):
    browser.save_screenshot(str(OUT/'notebook-light.png'))
    dark = load(browser, notebook[1]['dark'])
    browser.save_screenshot(str(OUT/'notebook-dark.png'))
    assert contrast(light[0]['background'], dark[0]['background']) > 5   # the two themes do differ
    for page in (light, dark):
        for rep in page:
            assert contrast(rep['color'], rep['background']) >= 7, rep
            if rep['keyword']: assert contrast(rep['keyword'], rep['background']) >= 3, rep
            if rep['fillColor']: assert contrast(rep['fillColor'], rep['background']) >= 2, rep
