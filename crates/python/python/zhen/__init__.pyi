"""Type stubs of the zhen package (native part: zhen._zhen)."""

import os
from typing import (
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Literal,
    Optional,
    Sequence,
    Tuple,
    TypedDict,
    Union,
    overload,
)

__version__: str

_Path = Union[str, "os.PathLike[str]"]
_Text = Union[str, bytes]
_Id = Union[str, int]
_Scheme = Literal["iob1", "iob2", "bioes", "bio", "iobes"]

class ZhenError(Exception):
    message: str
    path: Optional[str]
    line: Optional[int]
    offset: Optional[int]
    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = ...,
        line: Optional[int] = ...,
        offset: Optional[int] = ...,
    ) -> None: ...

class UsageError(ZhenError, ValueError): ...
class DecodeError(ZhenError, ValueError): ...
class FormatError(ZhenError, ValueError): ...
class ModelError(ZhenError, ValueError): ...

class FileError(ZhenError, OSError):
    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = ...,
        line: Optional[int] = ...,
        offset: Optional[int] = ...,
        errno: Optional[int] = ...,
    ) -> None: ...

class Token:
    """A token; ``doc.text[t.start:t.end] == t.text``."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def norm(self) -> str: ...
    @property
    def pos(self) -> str: ...
    @property
    def upos(self) -> str: ...
    @property
    def sentence(self) -> int: ...

class Entity:
    """A named entity; ``doc.text[e.start:e.end] == e.text``."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def norm(self) -> str: ...

class Sentence:
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def paragraph(self) -> int: ...

class Paragraph:
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def script(self) -> str: ...

class Doc:
    """An annotated document; every offset is a char offset into ``text``."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def script(self) -> str: ...
    @property
    def tokens(self) -> List[Token]: ...
    @property
    def entities(self) -> List[Entity]: ...
    @property
    def sentences(self) -> List[Sentence]: ...
    @property
    def paragraphs(self) -> List[Paragraph]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    @overload
    def to_json(self, encoding: None = None) -> str: ...
    @overload
    def to_json(self, encoding: str) -> bytes: ...
    def to_conllu(self, scheme: _Scheme = "iob2") -> str: ...
    def to_conll(self, scheme: _Scheme = "iob2", char_level: bool = False) -> str: ...
    def to_csv(
        self, scheme: _Scheme = "iob2", excel: bool = False, raw_cells: bool = False
    ) -> str: ...
    def to_spacy(self, vocab: Any) -> Any: ...
    @classmethod
    def from_json(cls, line: str) -> "Doc": ...
    def __len__(self) -> int: ...

class Pipe(Iterator[Doc]):
    def __iter__(self) -> "Pipe": ...
    def __next__(self) -> Doc: ...

class Pipeline:
    """The annotation pipeline; call it on a text, or stream texts with ``pipe``."""

    def __init__(
        self,
        convert: Literal["t2s", "s2t", "none"] = "t2s",
        clean: bool = True,
        entities: bool = True,
        user_dict: Optional[_Path] = None,
        entities_file: Optional[_Path] = None,
        model: Optional[_Path] = None,
        doc_consistency: bool = True,
    ) -> None: ...
    def __call__(self, text: _Text, id: Optional[_Id] = None) -> Doc: ...
    def pipe(
        self,
        texts: Iterable[Union[_Text, Tuple[_Id, _Text]]],
        n_threads: int = 0,
        batch_size: int = 64,
    ) -> Pipe: ...
    @property
    def model_ids(self) -> Dict[str, str]: ...
    @property
    def options(self) -> Dict[str, Any]: ...

class Converter:
    """An OpenCC 1.4.2 converter (``"t2s"``, ``"s2twp"``, … or a config file)."""

    def __init__(self, config: str) -> None: ...
    def convert(self, text: str) -> str: ...
    @property
    def config(self) -> str: ...

def convert(text: str, config: str) -> str: ...
def read_text(path: _Path, encoding: Optional[str] = None, lossy: bool = False) -> str: ...
class _CorpusFailure(TypedDict):
    input: str
    message: str
    line: Optional[int]
    byte_offset: Optional[int]

class _CorpusSummary(TypedDict):
    documents: int
    ok: int
    failed: int
    resumed: int
    failures: List[_CorpusFailure]
    chars: int
    sentences: int
    tokens: int
    entities: Dict[str, int]
    bytes: int
    warnings: List[str]

def annotate_corpus(
    inputs: Union[_Path, Sequence[_Path]],
    output: _Path,
    formats: Sequence[str] = ["jsonl", "conllu", "csv"],
    jobs: int = 0,
    resume: bool = False,
    *,
    glob: str = "*.txt",
    pipeline: Optional[Pipeline] = None,
    encoding: Optional[str] = None,
    lossy: bool = False,
    scheme: _Scheme = "iob2",
    char_level: bool = False,
    excel: bool = False,
    raw_cells: bool = False,
    fsync: bool = True,
) -> _CorpusSummary: ...
def evaluate(
    gold: Union[_Path, Sequence[_Path]],
    pipeline: Optional[Pipeline] = None,
    gold_format: Optional[str] = None,
) -> Dict[str, Any]: ...
def to_pandas(
    docs: Union[Doc, Iterable[Doc]],
    what: Literal["entities", "tokens", "sentences", "paragraphs"] = "entities",
) -> Any: ...

__all__: Sequence[str]
