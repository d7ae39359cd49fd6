"""A BAS chart of accounts (the Swedish standard plan) as a small Fortnox company uses it."""

from __future__ import annotations

# (number, description, SRU code, VAT code)
ACCOUNTS: tuple[tuple[int, str, int, str], ...] = (
    (1010, "Utvecklingsutgifter", 7201, ""),
    (1210, "Maskiner och andra tekniska anläggningar", 7215, ""),
    (1219, "Ackumulerade avskrivningar på maskiner", 7215, ""),
    (1220, "Inventarier och verktyg", 7215, ""),
    (1229, "Ackumulerade avskrivningar på inventarier", 7215, ""),
    (1240, "Bilar och andra transportmedel", 7215, ""),
    (1249, "Ackumulerade avskrivningar på bilar", 7215, ""),
    (1250, "Datorer", 7215, ""),
    (1259, "Ackumulerade avskrivningar på datorer", 7215, ""),
    (1460, "Lager av handelsvaror", 7241, ""),
    (1510, "Kundfordringar", 7251, ""),
    (1580, "Fordringar för kontokort och kuponger", 7251, ""),
    (1630, "Avräkning för skatter och avgifter (skattekonto)", 7261, ""),
    (1650, "Momsfordran", 7261, ""),
    (1710, "Förutbetalda hyreskostnader", 7263, ""),
    (1790, "Övriga förutbetalda kostnader och upplupna intäkter", 7263, ""),
    (1910, "Kassa", 7281, ""),
    (1920, "PlusGiro", 7281, ""),
    (1930, "Företagskonto / checkkonto / affärskonto", 7281, ""),
    (1940, "Övriga bankkonton", 7281, ""),
    (2081, "Aktiekapital", 7301, ""),
    (2091, "Balanserad vinst eller förlust", 7302, ""),
    (2099, "Årets resultat", 7302, ""),
    (2350, "Andra långfristiga skulder till kreditinstitut", 7352, ""),
    (2440, "Leverantörsskulder", 7365, ""),
    (2510, "Skatteskulder", 7368, ""),
    (2611, "Utgående moms på försäljning inom Sverige, 25 %", 7369, "MP1"),
    (2614, "Utgående moms omvänd skattskyldighet, 25 %", 7369, ""),
    (2621, "Utgående moms på försäljning inom Sverige, 12 %", 7369, "MP2"),
    (2631, "Utgående moms på försäljning inom Sverige, 6 %", 7369, "MP3"),
    (2640, "Ingående moms", 7369, "I"),
    (2641, "Debiterad ingående moms", 7369, "I"),
    (2650, "Redovisningskonto för moms", 7369, ""),
    (2710, "Personalskatt", 7369, ""),
    (2731, "Avräkning lagstadgade sociala avgifter", 7369, ""),
    (2890, "Övriga kortfristiga skulder", 7369, ""),
    (2920, "Upplupna semesterlöner", 7370, ""),
    (2990, "Övriga upplupna kostnader och förutbetalda intäkter", 7370, ""),
    (3001, "Försäljning inom Sverige, 25 % moms", 7410, "MP1"),
    (3002, "Försäljning inom Sverige, 12 % moms", 7410, "MP2"),
    (3003, "Försäljning inom Sverige, 6 % moms", 7410, "MP3"),
    (3004, "Försäljning inom Sverige, momsfri", 7410, ""),
    (3105, "Försäljning varor till land utanför EU", 7410, "39"),
    (3106, "Försäljning varor till annat EU-land, momsfri", 7410, "35"),
    (3308, "Försäljning tjänster till annat EU-land", 7410, "39"),
    (3520, "Fakturerade frakter", 7410, "MP1"),
    (3540, "Faktureringsavgifter", 7410, "MP1"),
    (3740, "Öres- och kronutjämning", 7410, ""),
    (3960, "Valutakursvinster på fordringar och skulder av rörelsekaraktär", 7413, ""),
    (4010, "Inköp material och varor", 7511, ""),
    (4056, "Inköp av varor från annat EU-land, 25 %", 7511, "20"),
    (4531, "Import tjänster land utanför EU, 25 % moms", 7511, "22"),
    (4600, "Legoarbeten och underentreprenader", 7511, ""),
    (5010, "Lokalhyra", 7513, ""),
    (5020, "El för belysning", 7513, ""),
    (5060, "Städning och renhållning", 7513, ""),
    (5410, "Förbrukningsinventarier", 7513, ""),
    (5460, "Förbrukningsmaterial", 7513, ""),
    (5611, "Drivmedel för personbilar", 7513, ""),
    (5615, "Leasing av personbilar", 7513, ""),
    (5800, "Resekostnader", 7513, ""),
    (5910, "Annonsering", 7513, ""),
    (6071, "Representation, avdragsgill", 7513, ""),
    (6110, "Kontorsmateriel", 7513, ""),
    (6211, "Fast telefoni", 7513, ""),
    (6212, "Mobiltelefon", 7513, ""),
    (6230, "Datakommunikation", 7513, ""),
    (6250, "Postbefordran", 7513, ""),
    (6310, "Företagsförsäkringar", 7513, ""),
    (6540, "IT-tjänster", 7513, ""),
    (6550, "Konsultarvoden", 7513, ""),
    (6570, "Bankkostnader", 7513, ""),
    (7010, "Löner till kollektivanställda", 7514, ""),
    (7210, "Löner till tjänstemän", 7514, ""),
    (7290, "Förändring av semesterlöneskuld", 7514, ""),
    (7510, "Arbetsgivaravgifter 31,42 %", 7514, ""),
    (7832, "Avskrivningar på inventarier och verktyg", 7515, ""),
    (7834, "Avskrivningar på bilar och andra transportmedel", 7515, ""),
    (7960, "Valutakursförluster på fordringar och skulder av rörelsekaraktär", 7513, ""),
    (8310, "Ränteintäkter från omsättningstillgångar", 7417, ""),
    (8410, "Räntekostnader för långfristiga skulder", 7522, ""),
    (8910, "Skatt som belastar årets resultat", 7528, ""),
    (8999, "Årets resultat", 7450, ""),
)

SALES_ACCOUNT_BY_VAT = {25: 3001, 12: 3002, 6: 3003}
OUTPUT_VAT_ACCOUNT = {25: 2611, 12: 2621, 6: 2631}
EU_SALES_ACCOUNT = 3106
EXPORT_SALES_ACCOUNT = 3105
RECEIVABLES = 1510
PAYABLES = 2440
INPUT_VAT = 2640
VAT_SETTLEMENT = 2650
RETAINED_EARNINGS = 2091
YEAR_RESULT = 2099  # the balance sheet's Årets resultat
RESULT_ACCOUNT = 8999  # the income statement's Årets resultat (the closing entry)
BANK = 1930
ROUNDING = 3740
FREIGHT = 3520
COST_ACCOUNTS = (4010, 4600, 5010, 5020, 5060, 5410, 5460, 5611, 5800, 5910, 6110, 6211, 6212)
COST_ACCOUNTS += (6230, 6250, 6310, 6540, 6550, 6570)
DESCRIPTIONS = {number: text for number, text, _, _ in ACCOUNTS}
