"""One module per report: `build(campaign, parameters, today) -> dict`, the context that feeds
the PDF, its HTML preview and the tests alike."""
