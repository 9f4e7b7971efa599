"""Read YAML keeping the line of every key and item, so errors can point at them."""

from dataclasses import dataclass, field

import yaml

Loc = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Parsed data plus `lines[loc]` (1-based) and any duplicate keys found."""

    data: object
    lines: dict[Loc, int] = field(default_factory=dict)
    duplicates: list[Loc] = field(default_factory=list)

    def line_of(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest ancestor present in the file."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return None


def parse_yaml(text: str) -> YamlDocument:
    """Parse `text` (raises yaml.YAMLError with a problem mark on bad syntax)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    document = YamlDocument(data=yaml.safe_load(text))
    if root is not None:
        document.lines[()] = root.start_mark.line + 1
        _walk(root, (), document)
    return document


def _walk(node: yaml.Node, loc: Loc, document: YamlDocument) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*loc, key)
            if child in document.lines:
                document.duplicates.append(child)
            _walk(value_node, child, document)
            document.lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*loc, index)
            _walk(item, child, document)
            document.lines[child] = item.start_mark.line + 1
