"""The ground of the house: the field's shared vocabulary, importing no app.

Every layer may import it (see the README's "Layout" table and the import-linter contracts in
``pyproject.toml``); it imports only Django, django-countries and the standard library.

- ``vocabulary.codes``: the exchange format's codes and French labels (domains, statuses,
  education levels, CEFR levels, zones, countries and nationality groups, languages,
  verification states, départements read from postal codes).
- ``vocabulary.ages``: ``age_on``, the age in whole years on a date.
- ``vocabulary.formatting``: French dates, integers, euros, and durations said as people say
  them (weeks under two months, months from two months, 4.35 weeks a month).
- ``vocabulary.exchange``: readers and writers of the exchange format's plain values (dates,
  durations in weeks, code lists), shared by the profile and the programme sheet formats.

Format: /work/shared/formats/exchange-format.md.
"""
