"""Reports for the Employer Standards group: headcounts, drafts, publication and reading."""
