"Project-frame checks: the package imported is this repo's, at the version pyproject.toml resolves, and the README quotes the commands CI runs."
import ast,re,tomllib
from pathlib import Path

import tracefunc

root = Path(__file__).resolve().parent.parent
pyproject = tomllib.loads((root/'pyproject.toml').read_text(encoding='utf-8'))

def static_attr(dotted):
    "Value of the string assignment named by `dotted` (`pkg.name`), read from the repo's `pkg/__init__.py` without importing it"
    mod,nm = dotted.rsplit('.', 1)
    tree = ast.parse((root/mod.replace('.', '/')/'__init__.py').read_text(encoding='utf-8'))
    return next(n.value.value for n in tree.body if isinstance(n, ast.Assign) and [t.id for t in n.targets]==[nm])

def test_version_is_pyprojects_dynamic_version():
    assert 'version' in pyproject['project']['dynamic']
    attr = pyproject['tool']['setuptools']['dynamic']['version']['attr']
    assert Path(tracefunc.__file__).resolve().parent == root/'tracefunc', 'tracefunc is not imported from this repo'
    assert tracefunc.__version__ == static_attr(attr) == '0.0.1'

def test_exported_modules_import():
    from tracefunc import indexer,values,places,handlers,session,monitor,format
    mods = (indexer,values,places,handlers,session,monitor,format)
    assert [m.__name__ for m in mods] == [f'tracefunc.{n}' for n in ('indexer','values','places','handlers','session','monitor','format')]

def test_readme_quotes_ci_commands():
    "`.ci/run` runs the README's install and test commands verbatim; they must not drift apart"
    ci = (root/'.ci'/'run').read_text(encoding='utf-8')
    cmds = {k: re.search(rf"^{k}='(.+)'$", ci, re.MULTILINE)[1] for k in ('INSTALL_CMD','TEST_CMD')}
    assert cmds == {'INSTALL_CMD': 'pip install -e ".[dev]" && python -m tracefunc examples/demo.py:collatz_steps 6', 'TEST_CMD': 'bash tools/check'}
    readme = (root/'README.md').read_text(encoding='utf-8')
    for cmd in cmds.values(): assert f'```sh\n{cmd}\n```' in readme, f'README.md does not show {cmd!r} as its own command block'

def test_supported_pythons_agree():
    "pyproject's classifiers, the GitHub workflow's matrix and `.ci/run` name the same Python versions: 3.12 to 3.15"
    classifiers = [c.rsplit(' :: ', 1)[1] for c in pyproject['project']['classifiers']
                   if re.fullmatch(r'Programming Language :: Python :: 3\.\d+', c)]
    workflow = (root/'.github'/'workflows'/'test.yaml').read_text(encoding='utf-8')
    matrix = re.findall(r'"(3\.\d+)"', re.search(r'^\s*python-version: \[(.*)\]$', workflow, re.MULTILINE)[1])
    ci = (root/'.ci'/'run').read_text(encoding='utf-8')
    ci_versions = re.findall(r'"(3\.\d+) [^"]+"', re.search(r'^versions=\((.*)\)$', ci, re.MULTILINE)[1])
    assert classifiers == matrix == ci_versions == ['3.12', '3.13', '3.14', '3.15']
    assert pyproject['project']['requires-python'] == '>=3.12'
