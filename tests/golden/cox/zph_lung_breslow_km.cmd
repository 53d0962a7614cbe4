cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + factor(ph.ecog)" --ties breslow --zph km --format json
