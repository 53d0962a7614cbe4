cox --data @TESTS@/golden/data/matched_lung_2to1_replace_pairs.csv --formula "Surv(time, status) ~ female + cluster(id)" --weights weights --format json
