"""The audit log (granskningslogg): who did what, when and from where; append-only.
Services in `services`, reading in `queries`, the filter form in `forms`."""
