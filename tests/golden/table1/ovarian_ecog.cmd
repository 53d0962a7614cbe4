table1 --data @DATA@/ovarian.csv --by ecog.ps --vars age,rx,resid.ds --categorical rx,resid.ds --exact resid.ds --format json
