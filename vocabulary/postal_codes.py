"""The form field of a French postal code, for every form that takes one (the booking forms,
the advisor's profile form): ``PostalCodeField``. The rules of the code itself (five ASCII
digits, the département) are in ``vocabulary.codes``; where a young person may live is
``matching.residence``.
"""

from typing import Any

from django import forms

from .codes import postal_code_normalized, validate_postal_code_format


class PostalCodeField(forms.CharField):
    """A French postal code as people type it: spaces (« 87 200 ») dropped and full-width
    digits (« ３３０００ ») folded (``postal_code_normalized``), then five ASCII digits or the one
    message « Le code postal a 5 chiffres » (``validate_postal_code_format``), never Django's
    length message (tester t9c #9)."""

    def to_python(self, value: Any) -> str:
        return postal_code_normalized(super().to_python(value))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values:
            validate_postal_code_format(value)

    def run_validators(self, value: Any) -> None:
        """No length validators: the format check above says it in one sentence."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["maxlength"] = "6"  # room for the space people type after the département
        attrs.pop("minlength", None)
        return attrs
