"""The handbook builder: load and check content/, build the staff site, fill forms,
set quizzes and export the printed handbook."""

from .check import check, load_valid
from .load import Content, ContentError, Problem, load_content

__all__ = ["Content", "ContentError", "Problem", "check", "load_content", "load_valid"]
