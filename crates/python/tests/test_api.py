"""The public interface: the names the issue spells out, the type stubs
agreeing with the module, docstrings on everything public."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import zhen


def stub_tree() -> ast.Module:
    path = Path(zhen.__file__).with_name("__init__.pyi")
    assert path.is_file(), "zhen/__init__.pyi is not installed"
    assert path.with_name("py.typed").is_file(), "zhen/py.typed is not installed"
    return ast.parse(path.read_text(encoding="utf-8"))


def test_stubs_and_module_name_the_same_things():
    tree = stub_tree()
    stubbed = {
        n.name
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")
    }
    public = set(zhen.__all__) - {"__version__"}
    assert stubbed == public
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in public:
            runtime = getattr(zhen, node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    assert hasattr(runtime, item.name), f"{node.name}.{item.name} is stubbed but missing"
            names = {i.name for i in node.body if isinstance(i, ast.FunctionDef)}
            for attr in dir(runtime):
                if not attr.startswith("_") and not hasattr(OSError, attr):
                    assert attr in names, f"{node.name}.{attr} exists but is not stubbed"


def test_the_issue_api_is_there():
    nlp = zhen.Pipeline(convert="t2s", clean=True, entities=True, user_dict=None,
                        entities_file=None, model=None, doc_consistency=True)
    doc = nlp("2019年5月10日，崔現忠前往羅定市新民村。", id="news-1")
    for name in ("text", "lang", "script", "entities", "tokens", "sentences", "paragraphs"):
        getattr(doc, name)
    for e in doc.entities:
        e.start, e.end, e.label, e.text, e.norm
    for t in doc.tokens:
        t.start, t.end, t.text, t.norm, t.pos, t.upos
    doc.to_dict(), doc.to_json(), doc.to_conllu(), doc.to_conll(scheme="iob2")
    assert inspect.signature(nlp.pipe).parameters.keys() >= {"texts", "n_threads", "batch_size"}
    assert str(inspect.signature(zhen.Pipeline)) == (
        "(convert='t2s', clean=True, entities=True, user_dict=None, "
        "entities_file=None, model=None, doc_consistency=True)"
    )
    for cls in (zhen.UsageError, zhen.DecodeError, zhen.FormatError, zhen.ModelError):
        assert issubclass(cls, zhen.ZhenError) and issubclass(cls, ValueError)
    assert issubclass(zhen.FileError, zhen.ZhenError) and issubclass(zhen.FileError, OSError)


def test_everything_public_has_a_docstring():
    for name in zhen.__all__:
        obj = getattr(zhen, name)
        if name == "__version__":
            continue
        assert (obj.__doc__ or "").strip(), name
        if inspect.isclass(obj):
            for attr, value in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if callable(value) or inspect.isdatadescriptor(value):
                    assert (getattr(value, "__doc__", "") or "").strip(), f"{name}.{attr}"
