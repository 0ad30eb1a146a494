"""The README and the notebooks' saved outputs (the documentation site shows them as they are) name no path of the machine
that ran them: no home folder, no temporary folder, no interpreter's install path, no kernel's temporary cell file."""
import json, re
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
MACHINE_PATH = re.compile(r'''
    /root(?:/|\b) | /home/[^/\s'"]+ | /Users/[^/\s'"]+ | [A-Za-z]:\\Users\\    # home folders
  | /tmp/ | /var/folders/ | /private/var/ | \\AppData\\Local\\Temp                # temporary folders
  | site-packages | dist-packages | /\.pyenv/ | /usr/(?:local/)?lib/python      # where an interpreter and its packages live
  | ipykernel_\d+ | <ipython-input- | /\.cache/                                 # the kernel's temporary cell files, caches
''', re.VERBOSE)

def output_texts(nb_path):
    "(cell number, text) of every saved output of the notebook at `nb_path`: streams, errors, and every mime type's data."
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    for i, cell in enumerate(nb['cells']):
        for o in cell.get('outputs', []):
            parts = [o.get('text', ''), o.get('ename', ''), o.get('evalue', ''), o.get('traceback', []), *o.get('data', {}).values()]
            yield i, '\n'.join(p if isinstance(p, str) else ''.join(map(str, p)) for p in parts)

NOTEBOOKS = sorted((ROOT/'nbs').glob('*.ipynb'))

def test_there_are_notebooks_with_outputs():
    assert len(NOTEBOOKS) >= 9 and sum(1 for nb in NOTEBOOKS for _ in output_texts(nb)) > 30

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_outputs_name_no_machine_path(nb):
    found = [(i, m[0], t[max(m.start() - 60, 0):m.end() + 40]) for i, t in output_texts(nb) for m in MACHINE_PATH.finditer(t)]
    assert not found, f'{nb.name}: saved outputs with machine paths (cell, match, context): {found[:5]}'

def test_readme_names_no_machine_path():
    text = (ROOT/'README.md').read_text(encoding='utf-8')
    found = [(m[0], text[max(m.start() - 60, 0):m.end() + 40]) for m in MACHINE_PATH.finditer(text)]
    assert not found, f'README.md names machine paths: {found[:5]}'

def test_the_check_finds_what_it_looks_for():
    for p in ['/root/.pyenv/versions/3.12.1/lib/python3.12/asyncio/__init__.py', '/tmp/ipykernel_13887/2533943782.py',
              '/home/ann/x.py', '/usr/lib/python3/dist-packages/foo.py', 'C:\\Users\\ann\\x.py', '<ipython-input-7-938aad5d7a5b>',
              "<module 'asyncio' from '/usr/local/lib/python3.12/asyncio'>"]:
        assert MACHINE_PATH.search(p), p
    for ok in ['examples/demo.py:9', 'Cell In[4], line 2', '$SITE_PACKAGES/x.py', '$PYTHON_STDLIB/os.py', 'pyenv or PATH']:
        assert not MACHINE_PATH.search(ok), ok
