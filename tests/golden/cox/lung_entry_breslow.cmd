cox --data @TESTS@/golden/data/cox_lung_entry.csv --formula "Surv(entry, time, status) ~ age + sex + ph.ecog" --ties breslow --format json
