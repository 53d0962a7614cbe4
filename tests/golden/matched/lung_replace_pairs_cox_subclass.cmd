cox --data @TESTS@/golden/data/matched_lung_replace_pairs.csv --formula "Surv(time, status) ~ female + cluster(subclass)" --weights weights --format json
