"""In-process tests of pure functions (fast; the CLI tests check exit codes and messages)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from c3p_docs.documents.markup import TemplateError, number


def test_markup_numbers_name_the_element_and_attribute():
    assert number(ET.fromstring('<rect x="12.5"/>'), "x") == 12.5
    assert number(ET.fromstring("<rect/>"), "size", 10.0) == 10.0
    with pytest.raises(TemplateError, match=r"<rect> needs a numeric x="):
        number(ET.fromstring('<rect y="1"/>'), "x")
    with pytest.raises(TemplateError, match=r"<arrow x1=\"left\">: x1 must be a number"):
        number(ET.fromstring('<arrow x1="left"/>'), "x1")
