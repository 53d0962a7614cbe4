match --data @TESTS@/golden/data/lung_sex.csv --formula "female ~ age + ph.ecog + ph.karno + wt.loss" --format json --order smallest --distance logit
