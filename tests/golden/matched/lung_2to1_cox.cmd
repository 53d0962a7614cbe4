cox --data @TESTS@/golden/data/matched_lung_2to1.csv --formula "Surv(time, status) ~ female + cluster(subclass)" --weights weights --format json
