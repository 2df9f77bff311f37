// msgpackr requires 'msgpackr-extract' inside try/catch and uses pure JS when it throws.
throw new Error('msgpackr-extract native acceleration is disabled in Fenji (see package.json overrides)');
