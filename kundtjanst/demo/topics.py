"""What Sjöstad's residents ask about, category by category, and how it goes.

Each topic carries a base volume, a seasonal profile (January … December),
how often kundtjänst can answer it without help, how often the svarsgrupp
forwards it to a formal case or refers it elsewhere, and a few questions in
Swedish with the answer each usually gets. Placeholders in braces
(``{gata}``, ``{omrade}`` …) are filled from `SLOTS` by the generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Q(NamedTuple):
    """A question as the citizen put it, and the answer it usually gets."""

    subject: str
    description: str
    answer: str


@dataclass(frozen=True)
class Topic:
    weight: float
    questions: tuple[Q, ...]
    board: str  # the nämnd whose diarium a forwarded case lands in
    season: tuple[float, ...] = (1.0,) * 12
    kt_rate: float = 0.75  # kundtjänst answers it itself
    forward: float = 0.08  # svarsgrupp forwards it to a formal case
    refer: float = 0.02  # referred to another authority
    refer_to: tuple[str, ...] = ()


SLOTS: dict[str, tuple[str, ...]] = {
    "gata": (
        "Storgatan",
        "Kyrkogatan",
        "Sjövägen",
        "Strandvägen",
        "Björkvägen",
        "Hamngatan",
        "Skolgatan",
        "Järnvägsgatan",
        "Lärkvägen",
        "Tallstigen",
        "Idrottsvägen",
        "Rönnvägen",
        "Kvarngatan",
        "Östra Långgatan",
        "Norra Ringvägen",
        "Bergsgatan",
        "Prästgårdsvägen",
        "Vallmovägen",
        "Ekbacksvägen",
        "Fiskaregatan",
    ),
    "omrade": (
        "Centrum",
        "Norrstrand",
        "Södra Sjöstad",
        "Ekbacka",
        "Västerhöjden",
        "Björkdalen",
        "Hamnen",
        "Tallåsen",
        "Sjöängen",
        "Kvarnbyn",
        "Lillskogen",
    ),
    "skola": (
        "Sjöstadsskolan",
        "Ekbackaskolan",
        "Norrstrandsskolan",
        "Tallåsens skola",
        "Kvarnbyskolan",
        "Västerhöjdens skola",
    ),
    "forskola": (
        "förskolan Solrosen",
        "förskolan Myran",
        "förskolan Ekorren",
        "förskolan Sjöstjärnan",
        "förskolan Blåklockan",
        "förskolan Lärkan",
    ),
    "park": (
        "Stadsparken",
        "Strandparken",
        "Ekbackaparken",
        "Kvarnparken",
        "Sjöängens lekpark",
        "Tallåsens friluftsområde",
    ),
    "nr": tuple(str(n) for n in range(1, 60)),
}

TOPICS: dict[str, Topic] = {
    "avfall": Topic(
        weight=10,
        season=(1.2, 0.9, 0.9, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 0.9, 0.9, 1.1),
        kt_rate=0.88,
        board="TN",
        questions=(
            Q(
                "Soptunnan har inte tömts",
                "Vår soptunna på {gata} {nr} tömdes inte på ordinarie hämtdag. Kärlet stod "
                "ute vid tomtgränsen som vanligt. När kommer ni och tömmer?",
                "Hämtningen missades på grund av ett fordonsfel. Chauffören kommer tillbaka "
                "inom två arbetsdagar, så låt kärlet stå kvar ute.",
            ),
            Q(
                "Byta storlek på sopkärl",
                "Vi är bara två i hushållet nu och vill byta till ett mindre kärl för "
                "restavfall. Hur gör jag och vad blir den nya avgiften?",
                "Du ändrar kärlstorlek i e-tjänsten för avfallsabonnemang på sjostad.se. Ett "
                "140-literskärl kostar 1 320 kronor om året, från nästa kvartal.",
            ),
            Q(
                "Öppettider på återvinningscentralen",
                "Vilka öppettider har återvinningscentralen i {omrade} i helgen, och kan jag "
                "lämna gammal färg där?",
                "Återvinningscentralen har öppet lördag och söndag kl. 9–15. Färg och annat "
                "farligt avfall lämnar du i miljöboden vid entrén.",
            ),
            Q(
                "Hämtning av grovsopor",
                "Jag vill beställa hämtning av grovsopor, en soffa och en trasig tvättmaskin, "
                "från {gata} {nr}. Vad kostar det?",
                "Hämtning av grovsopor kostar 450 kronor för upp till tre kolli. Vi har bokat "
                "hämtning på {gata} {nr} nästa tisdag.",
            ),
            Q(
                "Trasigt lock på matavfallskärlet",
                "Locket på vårt kärl för matavfall har gått sönder och fåglarna kommer åt "
                "soporna. Kan ni byta kärlet?",
                "Ett nytt kärl är beställt och levereras inom en vecka. Det gamla tar vi med oss.",
            ),
        ),
    ),
    "va": Topic(
        weight=6,
        season=(0.8, 0.8, 0.8, 0.9, 1.1, 1.4, 1.5, 1.2, 0.9, 0.9, 0.8, 0.9),
        kt_rate=0.8,
        board="TN",
        questions=(
            Q(
                "Missfärgat vatten i kranen",
                "Vattnet i kranen är brunt sedan i morse här på {gata}. Är det något fel på "
                "ledningarna och kan vi dricka det?",
                "Missfärgningen beror på en spolning av ledningsnätet i området. Spola "
                "kallvatten en stund tills det blir klart; vattnet går att dricka.",
            ),
            Q(
                "Vattenläcka i gatan",
                "Det forsar upp vatten ur asfalten utanför {gata} {nr}. Det ser ut som en "
                "läcka på en ledning.",
                "Tack för anmälan. En jourtekniker är på väg och läckan åtgärdas under dagen.",
            ),
            Q(
                "Fråga om VA-fakturan",
                "Min faktura för vatten och avlopp är mycket högre än förra kvartalet. Kan ni "
                "kontrollera mätarställningen?",
                "Mätaren har lästs av på nytt och fakturan är korrigerad. En ny faktura kommer "
                "med posten.",
            ),
            Q(
                "Gäller bevattningsförbudet?",
                "Gäller bevattningsförbudet fortfarande i {omrade}? Får jag fylla poolen?",
                "Bevattningsförbudet gäller tills vidare i hela kommunen. Du får vattna med "
                "kanna men inte fylla pool från det kommunala nätet.",
            ),
            Q(
                "Stopp i avloppet",
                "Det bubblar i golvbrunnen och vattnet rinner inte undan. Är det stopp i "
                "kommunens ledning eller hos oss?",
                "Vi har kontrollerat den kommunala ledningen på {gata} och den är fri. Stoppet "
                "sitter i fastighetens ledning, så kontakta en rörfirma.",
            ),
        ),
    ),
    "bygglov": Topic(
        weight=9,
        season=(0.7, 0.8, 1.1, 1.4, 1.5, 1.3, 0.9, 1.0, 1.1, 0.9, 0.8, 0.6),
        kt_rate=0.62,
        forward=0.3,
        refer=0.04,
        refer_to=("Lantmäteriet",),
        board="SBN",
        questions=(
            Q(
                "Behövs bygglov för altan?",
                "Jag vill bygga en altan på cirka 25 kvadratmeter på min tomt på {gata} {nr}. "
                "Behöver jag söka bygglov eller räcker en anmälan?",
                "En altan som är lägre än 1,2 meter och ligger minst 4,5 meter från "
                "tomtgränsen kräver inget bygglov. Läs mer på sjostad.se/bygglov.",
            ),
            Q(
                "Status på min bygglovsansökan",
                "Jag skickade in en ansökan om bygglov för ett garage för sex veckor sedan. "
                "När kan jag räkna med beslut?",
                "Din ansökan är komplett och beslut väntas inom tre veckor. Handläggningstiden "
                "är just nu cirka åtta veckor från komplett ansökan.",
            ),
            Q(
                "Attefallshus – vilka regler gäller?",
                "Hur stort attefallshus får jag bygga och hur nära tomtgränsen får det stå?",
                "Ett attefallshus får vara högst 30 kvadratmeter och ska anmälas innan du "
                "börjar bygga. Närmare tomtgränsen än 4,5 meter krävs grannens medgivande.",
            ),
            Q(
                "Fråga om detaljplan",
                "Vad säger detaljplanen för fastigheterna vid {gata} i {omrade}? Får man "
                "bygga på en våning?",
                "Detaljplanen tillåter två våningar i kvarteret. Planbeskrivningen finns i "
                "kommunens kartportal.",
            ),
            Q(
                "Grannen bygger utan lov",
                "Min granne på {gata} bygger ett stort förråd precis vid tomtgränsen. Har de "
                "bygglov för det?",
                "Det finns inget beviljat lov för fastigheten. En byggnadsinspektör gör ett "
                "besök och bedömer om ett tillsynsärende ska inledas.",
            ),
        ),
    ),
    "bostadsanpassning": Topic(
        weight=2,
        kt_rate=0.5,
        forward=0.45,
        board="SBN",
        questions=(
            Q(
                "Ansöka om bostadsanpassning",
                "Min mamma har svårt att ta sig in i duschen. Kan hon få bidrag för att ta "
                "bort badkaret och göra en duschplats?",
                "Ja, det kan ge rätt till bostadsanpassningsbidrag. Du söker i e-tjänsten "
                "eller på blankett och bifogar ett intyg från arbetsterapeut.",
            ),
            Q(
                "Ramp till entrén",
                "Jag använder rullstol sedan i våras och behöver en ramp vid entrén till "
                "huset på {gata} {nr}. Hur söker jag?",
                "Du söker bostadsanpassningsbidrag i e-tjänsten och bifogar ett intyg från "
                "arbetsterapeut eller läkare. Handläggaren gör sedan ett hembesök.",
            ),
            Q(
                "Handläggningstid för bostadsanpassning",
                "Vi sökte bostadsanpassningsbidrag för en trapphiss i början av månaden. Hur "
                "lång tid tar det?",
                "Handläggningstiden är normalt fyra till sex veckor. Handläggaren hör av sig "
                "om något intyg saknas.",
            ),
        ),
    ),
    "forskola": Topic(
        weight=6,
        season=(1.1, 1.1, 1.2, 1.2, 1.0, 0.9, 0.6, 1.3, 1.0, 1.0, 0.9, 0.8),
        kt_rate=0.76,
        board="BUN",
        questions=(
            Q(
                "Plats i förskolekön",
                "Vi står i kö till förskola för vår dotter sedan i mars. Vilken plats har vi "
                "i kön till {forskola}?",
                "Ni har plats 14 i kön till {forskola}. Erbjudande skickas ut senast fyra "
                "månader efter önskat startdatum.",
            ),
            Q(
                "Ändra schema i förskolan",
                "Jag har fått nya arbetstider. Hur ändrar jag vistelsetiden för mitt barn på "
                "{forskola}?",
                "Du ändrar schemat i e-tjänsten för förskola. Ändringen gäller från nästa vecka.",
            ),
            Q(
                "Avgift för förskola",
                "Hur räknas förskoleavgiften ut och var anmäler jag ändrad inkomst?",
                "Avgiften är en procent av hushållets bruttoinkomst per månad, upp till "
                "maxtaxan. Ändrad inkomst anmäler du i e-tjänsten.",
            ),
            Q(
                "Uppsägning av förskoleplats",
                "Vi flyttar från kommunen i sommar. Hur säger vi upp platsen och hur lång "
                "uppsägningstid är det?",
                "Uppsägningstiden är en månad. Du säger upp platsen i e-tjänsten för förskola.",
            ),
        ),
    ),
    "grundskola": Topic(
        weight=6,
        season=(1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 1.5, 1.2, 1.0, 1.0, 0.8),
        kt_rate=0.7,
        board="BUN",
        questions=(
            Q(
                "Byte av skola",
                "Vi vill att vår son byter från {skola} till en skola närmare hemmet. Hur "
                "ansöker vi om skolbyte?",
                "Ansökan om skolbyte gör du i e-tjänsten för grundskola. Du får besked inom "
                "fyra veckor.",
            ),
            Q(
                "Ledighet för elev",
                "Hur ansöker jag om ledighet för mitt barn två dagar före sportlovet?",
                "Ledighet söker du hos rektor via skolans lärplattform. Rektor beslutar "
                "utifrån elevens situation.",
            ),
            Q(
                "Fritidshem på lovet",
                "Har fritidshemmet på {skola} öppet under höstlovet och hur anmäler vi behovet?",
                "Fritidshemmet på {skola} har öppet på höstlovet. Anmäl behovet till "
                "fritidshemmet senast två veckor innan.",
            ),
            Q(
                "Besked om förskoleklass",
                "När får vi besked om vilken skola vårt barn får plats i till förskoleklass?",
                "Placeringsbeskeden till förskoleklass skickas ut i mitten av mars.",
            ),
        ),
    ),
    "gymnasieantagning": Topic(
        weight=2.5,
        season=(2.2, 2.0, 0.8, 0.7, 0.8, 1.8, 1.6, 0.8, 0.3, 0.3, 0.6, 0.8),
        kt_rate=0.82,
        refer=0.04,
        refer_to=("CSN",),
        board="BUN",
        questions=(
            Q(
                "När kommer antagningsbeskedet?",
                "Min dotter har sökt till naturvetenskapsprogrammet. När kommer det "
                "preliminära antagningsbeskedet?",
                "Det preliminära antagningsbeskedet publiceras i mitten av april och det "
                "slutliga i början av juli.",
            ),
            Q(
                "Ändra gymnasieval",
                "Går det fortfarande att ändra ordningen på sina val till gymnasiet?",
                "Valen kan ändras under omvalsperioden i maj. Ta kontakt med studie- och "
                "yrkesvägledaren på skolan.",
            ),
            Q(
                "Inloggning till antagningswebben",
                "Mitt barn har tappat bort sina inloggningsuppgifter till antagningswebben. "
                "Hur får vi nya?",
                "Nya inloggningsuppgifter beställer du på antagningswebbens startsida eller "
                "hos studie- och yrkesvägledaren.",
            ),
        ),
    ),
    "skolskjuts": Topic(
        weight=2.5,
        season=(0.8, 0.7, 0.7, 0.7, 0.9, 1.3, 1.2, 2.8, 1.3, 0.7, 0.7, 0.6),
        kt_rate=0.66,
        forward=0.2,
        board="BUN",
        questions=(
            Q(
                "Ansöka om skolskjuts",
                "Vi har flyttat till {gata} i {omrade}. Har vårt barn rätt till skolskjuts "
                "till {skola}?",
                "Skolskjuts beviljas när avståndet mellan hem och skola är längre än tre "
                "kilometer för årskurs 4–6. Ansök i e-tjänsten.",
            ),
            Q(
                "Skolbussen kom inte",
                "Skolbussen kom inte till hållplatsen vid {gata} i morse och barnen fick stå "
                "och vänta i en halvtimme.",
                "Vi har kontaktat trafikbolaget, som bekräftar att bussen blev försenad av en "
                "olycka. Det ska inte upprepas.",
            ),
            Q(
                "Skolskjuts vid växelvis boende",
                "Vårt barn bor varannan vecka hos var och en av oss. Kan hen få skolskjuts "
                "från båda adresserna?",
                "Vid växelvis boende kan skolskjuts beviljas från båda adresserna om båda "
                "ligger i kommunen. Ansök för varje adress.",
            ),
        ),
    ),
    "gator": Topic(
        weight=7,
        season=(0.9, 0.9, 1.2, 1.6, 1.3, 1.0, 0.8, 0.9, 1.0, 1.0, 0.9, 0.8),
        kt_rate=0.78,
        refer=0.06,
        refer_to=("Trafikverket",),
        board="TN",
        questions=(
            Q(
                "Potthål i vägen",
                "Det är ett djupt hål i asfalten på {gata} i höjd med nummer {nr}. En "
                "cyklist höll på att köra omkull.",
                "Tack för felanmälan. Hålet lagas inom fem arbetsdagar och är utmärkt med en "
                "varningsskylt tills dess.",
            ),
            Q(
                "Trasig trottoarkant",
                "Trottoarkanten vid övergångsstället på {gata} har lossnat och är en snubbelrisk.",
                "Tack för felanmälan. Vår entreprenör lagar kantstenen inom två veckor.",
            ),
            Q(
                "Grus på cykelbanan",
                "När sopas gruset bort från cykelbanan längs {gata}? Det är halt att cykla.",
                "Sandupptagningen pågår i hela kommunen och {omrade} står på tur nästa vecka.",
            ),
            Q(
                "Nedkörd vägskylt",
                "En vägskylt vid {gata} i {omrade} har blivit påkörd och ligger på marken.",
                "Vår entreprenör har fått felanmälan och sätter upp skylten igen under veckan.",
            ),
            Q(
                "Vägarbete utan skyltning",
                "Det pågår ett vägarbete på {gata} men ingen omledning är skyltad. Hur länge "
                "ska det hålla på?",
                "Ledningsarbetet pågår till slutet av månaden. Entreprenören sätter upp "
                "omledningsskyltar i dag.",
            ),
        ),
    ),
    "snorojning": Topic(
        weight=5,
        season=(3.0, 2.8, 1.5, 0.3, 0.02, 0.01, 0.01, 0.01, 0.02, 0.1, 1.2, 2.5),
        kt_rate=0.86,
        refer=0.06,
        refer_to=("Trafikverket", "vägföreningen"),
        board="TN",
        questions=(
            Q(
                "Ej plogat på vår gata",
                "Det har inte plogats på {gata} i {omrade} sedan snöfallet i går. Bilarna "
                "sitter fast.",
                "Vi plogar huvudgator och busslinjer först, sedan gång- och cykelvägar och "
                "sist bostadsgator. {omrade} plogas under dagen.",
            ),
            Q(
                "Halt på gångvägen",
                "Gångvägen mellan {gata} och {skola} är spegelblank. Kan ni sanda?",
                "Tack för tipset. En sandbil är beställd till gångvägen.",
            ),
            Q(
                "Plogvall framför infarten",
                "Plogbilen har lagt en hög vall framför vår infart på {gata} {nr}. Vem "
                "ansvarar för att ta bort den?",
                "Fastighetsägaren ansvarar för att ta bort snövallen vid sin infart, men vi "
                "försöker lägga så små vallar som möjligt.",
            ),
            Q(
                "När plogas cykelbanorna?",
                "I vilken ordning plogar ni? Cykelbanan vid {gata} har fortfarande tio "
                "centimeter snö.",
                "Cykelbanorna plogas när snödjupet är fem centimeter. Cykelbanan vid {gata} "
                "plogas i eftermiddag.",
            ),
        ),
    ),
    "parkering": Topic(
        weight=7,
        kt_rate=0.86,
        refer=0.04,
        refer_to=("Transportstyrelsen", "Polisen"),
        board="TN",
        questions=(
            Q(
                "Parkeringstillstånd för rörelsehindrade",
                "Hur ansöker jag om parkeringstillstånd för rörelsehindrade? Jag har svårt "
                "att gå längre sträckor.",
                "Parkeringstillstånd för rörelsehindrade söker du i e-tjänsten. Bifoga ett "
                "läkarintyg.",
            ),
            Q(
                "Övergiven bil",
                "En bil har stått parkerad på {gata} vid nummer {nr} i tre veckor utan att "
                "flyttas.",
                "Parkeringsvakterna kontrollerar bilen i veckan och den flyttas om den står kvar.",
            ),
            Q(
                "Bestrida parkeringsanmärkning",
                "Jag fick en parkeringsanmärkning på {gata} trots att jag hade betalat i "
                "appen. Hur bestrider jag den?",
                "Du bestrider anmärkningen via länken på anmärkningen inom sex månader. "
                "Bifoga kvittot från appen.",
            ),
            Q(
                "Boendeparkering",
                "Jag har flyttat till {omrade}. Hur ansöker jag om boendeparkering och vad "
                "kostar det?",
                "Boendeparkering kostar 600 kronor i månaden och söks i e-tjänsten. Du "
                "behöver vara folkbokförd i området.",
            ),
        ),
    ),
    "belysning": Topic(
        weight=3,
        season=(1.3, 1.0, 0.7, 0.5, 0.3, 0.2, 0.2, 0.4, 0.9, 1.6, 1.9, 1.7),
        kt_rate=0.86,
        board="TN",
        questions=(
            Q(
                "Gatlampa ur funktion",
                "Gatlampan utanför {gata} {nr} har varit släckt i över en vecka. Det är "
                "mycket mörkt på kvällarna.",
                "Tack för felanmälan. Vår belysningsentreprenör byter lampan inom tio arbetsdagar.",
            ),
            Q(
                "Blinkande belysning",
                "Flera lampor längs gång- och cykelvägen i {omrade} blinkar och slocknar.",
                "Felet beror på en kabelskada som repareras under veckan.",
            ),
            Q(
                "Mörkt vid busshållplatsen",
                "Belysningen vid busshållplatsen på {gata} fungerar inte. Det känns otryggt "
                "att vänta där.",
                "Tack för felanmälan. Belysningen vid hållplatsen lagas med förtur inom tre "
                "arbetsdagar.",
            ),
        ),
    ),
    "parker": Topic(
        weight=3,
        season=(0.3, 0.3, 0.6, 1.0, 1.6, 1.8, 1.6, 1.4, 1.0, 1.1, 0.5, 0.3),
        kt_rate=0.8,
        board="TN",
        questions=(
            Q(
                "Gräset klipps inte",
                "Gräset i {park} har inte klippts på länge och är knähögt.",
                "Gräsklippningen sker enligt schema och {park} står på tur i slutet av veckan.",
            ),
            Q(
                "Trasig gunga på lekplatsen",
                "En gunga på lekplatsen i {park} har gått sönder och kedjan hänger löst.",
                "Gungan är avstängd och byts ut nästa vecka.",
            ),
            Q(
                "Fulla papperskorgar",
                "Papperskorgarna i {park} är överfulla och skräpet blåser ut i gräset.",
                "Tack för att du hörde av dig. Papperskorgarna i {park} töms under dagen.",
            ),
            Q(
                "Nedfallet träd",
                "Ett träd har blåst omkull över gångvägen i {park}.",
                "Trädet tas bort i dag av vår parkentreprenör.",
            ),
            Q(
                "Löv på gångvägen",
                "När blåser ni bort löven i {park}? Gångvägen är hal.",
                "Lövblåsningen i {park} görs i början av nästa vecka.",
            ),
        ),
    ),
    "bistand": Topic(
        weight=7,
        season=(1.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.3),
        kt_rate=0.3,
        forward=0.3,
        refer=0.1,
        refer_to=("Försäkringskassan", "Arbetsförmedlingen"),
        board="SN",
        questions=(
            Q(
                "Ansökan om ekonomiskt bistånd",
                "Jag har blivit arbetslös och har inga pengar till hyran den här månaden. Hur "
                "ansöker jag om ekonomiskt bistånd?",
                "Du ansöker om ekonomiskt bistånd i e-tjänsten. Om du inte kan använda den kan "
                "du boka ett möte med mottagningen.",
            ),
            Q(
                "Utbetalning av försörjningsstöd",
                "Jag har inte fått utbetalningen av försörjningsstödet som jag brukar få den "
                "25:e. Vad har hänt?",
                "Utbetalningen är gjord och finns på ditt konto i morgon.",
            ),
            Q(
                "Komplettering till ansökan",
                "Min handläggare bad om kontoutdrag. Var ska jag lämna dem?",
                "Kompletteringar lämnar du i e-tjänsten eller i receptionen på "
                "Socialförvaltningen.",
            ),
            Q(
                "Akut hjälp till mat",
                "Jag har inga pengar till mat i helgen. Kan jag få akut hjälp?",
                "Du kan få en nödprövning i dag. Kom till mottagningen före kl. 15 eller ring "
                "socialjouren efter kontorstid.",
            ),
        ),
    ),
    "ifo": Topic(
        weight=2.5,
        kt_rate=0.3,
        forward=0.35,
        board="SN",
        questions=(
            Q(
                "Orosanmälan",
                "Jag vill göra en orosanmälan om ett barn i grannskapet som jag tror far illa.",
                "Tack för att du hörde av dig. Anmälan är mottagen och hanteras av "
                "mottagningsgruppen.",
            ),
            Q(
                "Familjerådgivning",
                "Hur bokar vi tid hos familjerådgivningen och vad kostar det?",
                "Familjerådgivningen är kostnadsfri för dig som bor i Sjöstad. Du bokar tid på "
                "telefon 0980-319 210.",
            ),
            Q(
                "Stöd vid missbruk",
                "Min vuxna son har problem med alkohol. Vart kan vi vända oss för att få stöd?",
                "Ni kan vända er till beroendemottagningen, även som anhöriga. En "
                "socialsekreterare ringer dig i morgon.",
            ),
            Q(
                "Kontakt med socialsekreterare",
                "Jag söker min socialsekreterare men kommer inte fram på telefon.",
                "Din socialsekreterare är tillbaka i morgon och ringer upp dig på förmiddagen.",
            ),
        ),
    ),
    "aldreomsorg": Topic(
        weight=4,
        kt_rate=0.56,
        forward=0.3,
        board="VON",
        questions=(
            Q(
                "Ansöka om hemtjänst",
                "Min pappa bor ensam och klarar inte längre att handla och städa. Hur "
                "ansöker vi om hemtjänst?",
                "Du ansöker om hemtjänst hos biståndshandläggarna. De ringer upp för att boka "
                "ett hembesök.",
            ),
            Q(
                "Kö till särskilt boende",
                "Hur lång är kön till särskilt boende och hur gör man en ansökan?",
                "Väntetiden är just nu cirka tre månader. Ansökan görs hos "
                "biståndshandläggarna, muntligt eller skriftligt.",
            ),
            Q(
                "Faktura för hemtjänst",
                "Vi har fått en faktura för hemtjänst som verkar för hög. Hur räknas avgiften ut?",
                "Avgiften beräknas efter inkomst och beviljade timmar. Vi har skickat en "
                "specifikation per post.",
            ),
            Q(
                "Trygghetslarm",
                "Hur får min mamma ett trygghetslarm och vad kostar det?",
                "Trygghetslarm beviljas av biståndshandläggare och kostar 250 kronor i månaden.",
            ),
        ),
    ),
    "lss": Topic(
        weight=1.5,
        kt_rate=0.4,
        forward=0.35,
        refer=0.08,
        refer_to=("Försäkringskassan",),
        board="VON",
        questions=(
            Q(
                "Ansöka om daglig verksamhet",
                "Min son fyller 20 och går ut gymnasiesärskolan. Hur ansöker vi om daglig "
                "verksamhet enligt LSS?",
                "Du ansöker om daglig verksamhet hos LSS-handläggarna. Ansökan kan vara "
                "muntlig eller skriftlig.",
            ),
            Q(
                "Ledsagarservice",
                "Kan jag få ledsagarservice för att kunna gå på konserter och träna?",
                "Ledsagarservice kan beviljas enligt LSS. En handläggare ringer upp och "
                "berättar hur det går till.",
            ),
            Q(
                "Korttidsvistelse",
                "Vi behöver avlastning. Hur fungerar korttidsvistelse enligt LSS?",
                "Korttidsvistelse ger avlastning några dygn i månaden. Ansök hos "
                "LSS-handläggarna, så bokar de ett möte.",
            ),
        ),
    ),
    "fardtjanst": Topic(
        weight=3,
        season=(1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 0.9, 0.9, 1.0, 1.0, 1.1, 1.5),
        kt_rate=0.7,
        forward=0.15,
        refer=0.05,
        refer_to=("Region Sjöland",),
        board="VON",
        questions=(
            Q(
                "Ansöka om färdtjänst",
                "Jag har svårt att åka buss efter min höftoperation. Hur ansöker jag om "
                "färdtjänst?",
                "Du ansöker om färdtjänst i e-tjänsten och bifogar ett läkarintyg.",
            ),
            Q(
                "Beställd resa kom inte",
                "Färdtjänstbilen som skulle hämta mig på {gata} {nr} klockan 10 kom aldrig.",
                "Vi har reklamerat resan hos beställningscentralen. Du får ersättning för "
                "taxiresan om du skickar in kvittot.",
            ),
            Q(
                "Riksfärdtjänst över jul",
                "Jag vill åka till min dotter i Umeå över jul. Hur söker jag riksfärdtjänst?",
                "Riksfärdtjänst söker du senast tre veckor före resan. Blanketten finns på "
                "sjostad.se.",
            ),
        ),
    ),
    "miljo": Topic(
        weight=3,
        season=(0.7, 0.7, 0.9, 1.1, 1.3, 1.4, 1.3, 1.1, 1.0, 0.9, 0.8, 0.7),
        kt_rate=0.56,
        forward=0.2,
        refer=0.05,
        refer_to=("Länsstyrelsen",),
        board="MHN",
        questions=(
            Q(
                "Störande buller från grannen",
                "Grannen på {gata} har en värmepump som brummar dygnet runt.",
                "Prata gärna med grannen först. Om det inte hjälper kan du göra en "
                "klagomålsanmälan i e-tjänsten, så utreder vi bullret.",
            ),
            Q(
                "Mögel i lägenheten",
                "Det luktar mögel i sovrummet och hyresvärden gör ingenting. Kan ni komma och "
                "mäta?",
                "Kontakta först hyresvärden skriftligt. Om inget händer kan "
                "miljöförvaltningen göra en inspektion.",
            ),
            Q(
                "Eldning av trädgårdsavfall",
                "Får man elda trädgårdsavfall på tomten i {omrade}?",
                "I {omrade} är eldning av trädgårdsavfall tillåten 1 april–31 oktober om det "
                "inte råder eldningsförbud.",
            ),
            Q(
                "Råttor vid soprummet",
                "Vi har sett råttor vid soprummet på {gata} {nr}.",
                "Fastighetsägaren ansvarar för att bekämpa råttor. Vi har kontaktat dem.",
            ),
        ),
    ),
    "livsmedel": Topic(
        weight=1.5,
        kt_rate=0.5,
        forward=0.25,
        board="MHN",
        questions=(
            Q(
                "Serveringstillstånd för uteservering",
                "Vi driver ett kafé på {gata} och vill servera vin och öl på uteserveringen i "
                "sommar. Hur söker vi tillstånd?",
                "Ansökan om serveringstillstånd görs i e-tjänsten. Handläggningstiden är upp "
                "till åtta veckor.",
            ),
            Q(
                "Registrera livsmedelsverksamhet",
                "Jag ska starta en foodtruck. Hur registrerar jag verksamheten?",
                "Livsmedelsverksamhet registreras i e-tjänsten senast två veckor före start.",
            ),
            Q(
                "Klagomål på restaurang",
                "Jag blev magsjuk efter en lunch på en restaurang i centrum. Vart anmäler jag det?",
                "Tack för anmälan. En livsmedelsinspektör besöker restaurangen.",
            ),
        ),
    ),
    "kultur": Topic(
        weight=3,
        season=(0.8, 0.9, 0.9, 1.0, 1.2, 1.4, 1.2, 1.0, 1.0, 0.9, 0.9, 0.8),
        kt_rate=0.86,
        board="KFN",
        questions=(
            Q(
                "Simhallens öppettider",
                "Vilka öppettider har simhallen under lovet?",
                "Simhallen har öppet kl. 10–18 alla dagar under lovet.",
            ),
            Q(
                "Boka idrottshall",
                "Vår förening vill boka idrottshallen i {omrade} för träning på söndagar. Hur "
                "gör vi?",
                "Lediga tider i idrottshallarna bokar du i bokningssystemet på sjostad.se.",
            ),
            Q(
                "Föreningsbidrag",
                "När är sista dag att söka aktivitetsbidrag för föreningar?",
                "Aktivitetsbidraget söks senast 25 februari och 25 augusti.",
            ),
            Q(
                "Lovaktiviteter",
                "Vilka gratis lovaktiviteter finns för barn på mellanstadiet?",
                "Programmet för lovaktiviteter finns på sjostad.se/lov.",
            ),
        ),
    ),
    "bibliotek": Topic(
        weight=2,
        kt_rate=0.9,
        board="KFN",
        questions=(
            Q(
                "Förlorad bok",
                "Jag har tappat bort en bok som jag lånat. Vad kostar det att ersätta den?",
                "En förlorad bok ersätts med 250 kronor för vuxenbok och 150 kronor för barnbok.",
            ),
            Q(
                "Lånekort och PIN-kod",
                "Jag har glömt PIN-koden till mitt lånekort.",
                "Du får en ny PIN-kod i bibliotekets lånedisk; ta med legitimation.",
            ),
            Q(
                "Bokbussens hållplatser",
                "Var stannar bokbussen i {omrade}?",
                "Bokbussen stannar i {omrade} varannan tisdag kl. 15–16.",
            ),
        ),
    ),
    "handlingar": Topic(
        weight=1.5,
        kt_rate=0.4,
        forward=0.15,
        board="KS",
        questions=(
            Q(
                "Begäran om allmän handling",
                "Jag vill ta del av protokollet från kommunstyrelsens senaste sammanträde.",
                "Protokollet finns på sjostad.se under Politik och kan även skickas per post.",
            ),
            Q(
                "Kopia av beslut",
                "Jag vill ha en kopia av bygglovsbeslutet för {gata} {nr}.",
                "Här kommer det begärda beslutet som bifogad fil.",
            ),
            Q(
                "Handlingar i upphandling",
                "Vi begär ut anbuden i upphandlingen av skolmåltider.",
                "Handlingarna sekretessprövas och skickas inom några dagar.",
            ),
        ),
    ),
    "synpunkter": Topic(
        weight=2.5,
        kt_rate=0.6,
        forward=0.2,
        board="KS",
        questions=(
            Q(
                "Synpunkt på bemötande",
                "Jag vill lämna synpunkter på hur jag blev bemött i receptionen i stadshuset.",
                "Tack för din synpunkt. Den är registrerad och lämnad till ansvarig chef.",
            ),
            Q(
                "Förslag om fler bänkar",
                "Det behövs fler parkbänkar längs promenadstråket vid sjön.",
                "Tack för förslaget! Vi tar med det i planeringen av nästa års parkarbete.",
            ),
            Q(
                "Klagomål på handläggningstid",
                "Jag har väntat orimligt länge på svar i mitt ärende.",
                "Vi beklagar väntan. Ansvarig chef har gått igenom ärendet och du får besked "
                "inom en vecka.",
            ),
        ),
    ),
    "ovrigt": Topic(
        weight=8,
        kt_rate=0.86,
        refer=0.22,
        refer_to=("Skatteverket", "Polisen", "Försäkringskassan", "Pensionsmyndigheten"),
        board="KS",
        questions=(
            Q(
                "Kontakt med politiker",
                "Hur når jag kommunstyrelsens ordförande?",
                "Kontaktuppgifter till alla förtroendevalda finns på sjostad.se under Politik.",
            ),
            Q(
                "Flyttanmälan",
                "Hur gör jag flyttanmälan när jag flyttar till Sjöstad?",
                "Flyttanmälan gör du hos Skatteverket, enklast i deras e-tjänst.",
            ),
            Q(
                "Hittad cykel",
                "Jag har hittat en cykel i skogen vid {omrade}. Vem lämnar jag den till?",
                "Hittade cyklar lämnas till Polisen som hittegods.",
            ),
            Q(
                "Lediga jobb",
                "Var hittar jag lediga jobb i Sjöstads kommun?",
                "Lediga jobb finns på sjostad.se/jobb och på Platsbanken.",
            ),
            Q(
                "Borgerlig vigsel",
                "Hur bokar vi borgerlig vigsel i stadshuset?",
                "Borgerlig vigsel bokar du hos kommunkansliet, helst tre månader i förväg.",
            ),
            Q(
                "Pass och id-kort",
                "Kan jag ansöka om pass hos kommunen?",
                "Pass söker du hos Polisen. Boka tid på polisen.se.",
            ),
        ),
    ),
}

# A citizen's worry about a child, asked under another category: the keyword
# rule sends it to socialtjänsten however it was categorised.
CONCERNS: tuple[Q, ...] = (
    Q(
        "Oro för ett barn",
        "Jag vill göra en orosanmälan. Ett barn i min dotters klass på {skola} verkar fara "
        "illa och kommer ofta hungrig till skolan.",
        "Tack för att du hörde av dig. Anmälan är mottagen och hanteras av "
        "mottagningsgruppen, som kan höra av sig till dig.",
    ),
    Q(
        "Barn som far illa",
        "Jag tror att barnen i grannlägenheten på {gata} far illa. Det hörs bråk varje kväll.",
        "Tack för att du hörde av dig. Anmälan är mottagen och hanteras av mottagningsgruppen.",
    ),
)
CONCERN_TOPICS = frozenset({"grundskola", "forskola", "ovrigt"})

# Questions from the municipal housing company's caretakers (the e-mail domain rule).
HOUSING_TOPICS = frozenset({"gator", "snorojning", "belysning", "parker"})

REFER_DEFAULT = ("Skatteverket", "Försäkringskassan", "Länsstyrelsen")

# Generic texts for the timeline.
# Asking the citizen for details, and what they answer.
CLARIFY = (
    (
        "Hej! Tack för ditt meddelande. Kan du berätta vilken adress det gäller?",
        "Det gäller {gata} {nr}.",
    ),
    (
        "Hej! För att kunna hjälpa dig behöver vi veta lite mer. När hände det?",
        "Det hände i tisdags eftermiddag.",
    ),
    (
        "Hej! I vilket område bor du?",
        "Jag bor i {omrade}, på {gata}.",
    ),
    (
        "Hej! Vi behöver ett telefonnummer så att handläggaren kan ringa dig.",
        "Ni når mig på telefon efter kl. 15.",
    ),
)
# The citizen gets back in touch after an answer.
COME_BACK = (
    "Tack, men jag förstår inte riktigt. Vad ska jag göra nu?",
    "Det har fortfarande inte hänt något. Kan ni titta på det igen?",
    "En följdfråga: gäller det även om man bor i {omrade}?",
    "Svaret stämmer inte med vad jag fick höra förra gången.",
)
ANSWER_AGAIN = (
    "Vi förtydligar gärna.",
    "Vi har tittat på frågan igen.",
    "Ursäkta att svaret var otydligt.",
)
ESCALATION_NOTES = (
    "Kan inte svara på detta i kundtjänst – behöver handläggarens bedömning.",
    "Frågan gäller ett pågående ärende, se beskrivningen.",
    "Behöver uppgifter ur verksamhetssystemet som vi inte har behörighet till.",
)
CALL_ESCALATION_NOTES = (
    *ESCALATION_NOTES,
    "Medborgaren vill bli uppringd, helst före lunch.",
    "Ingen i gruppen var ledig att ta samtalet. Ring upp.",
)
LIVE_NOTES = (
    "Kopplar samtalet direkt till gruppen.",
    "Kopplat samtal.",
    "Handläggaren tar samtalet nu.",
)
CALLBACK_NOTES = (
    "Lovade att ringa upp när jag kollat med verksamheten.",
    "Behöver kontrollera uppgifter – återkommer.",
    "Medborgaren hade inte alla uppgifter, ringer upp i eftermiddag.",
)
WORK_NOTES = (
    "Kollat med ansvarig handläggare.",
    "Väntar på besked från entreprenören.",
    "Sökt medborgaren på telefon utan svar; svarar skriftligt.",
    "Kontrollerat i verksamhetssystemet.",
    "Stämt av med enhetschefen.",
)
TRANSFER_NOTES = (
    "Fel grupp – detta hör till er.",
    "Gäller er verksamhet, inte vår.",
    "Skickar vidare efter samråd med er enhetschef.",
)
RELEASE_NOTES = (
    "Är ledig resten av veckan – lägger tillbaka i kön.",
    "Hinner inte i dag, lägger tillbaka.",
)
WITHDRAWN_NOTES = {
    "sync": ("Samtalet bröts innan frågan ställdes.", "Felringt.", "Ingen fråga till kommunen."),
    "async": (
        "Skräppost.",
        "Dubblett – samma fråga har kommit in tidigare.",
        "Ingen fråga i meddelandet.",
        "Medborgaren har löst det själv.",
    ),
}
REOPEN_REASONS = (
    "Medborgaren ringde igen i samma fråga.",
    "Svaret räckte inte; tar upp frågan igen.",
)
REFER_REPLY = (
    "Din fråga hanteras av {target}, inte av kommunen. Du når dem via deras webbplats "
    "eller kundtjänst."
)
FORWARD_REPLY = (
    "Din fråga är nu registrerad som ett ärende hos {board} med diarienummer {dnr}. En "
    "handläggare kontaktar dig."
)
FORWARD_REPLY_NO_DNR = "Din fråga är lämnad till en handläggare, som kontaktar dig."
BOARDS = {
    "SBN": "samhällsbyggnadsnämnden",
    "TN": "tekniska nämnden",
    "BUN": "barn- och utbildningsnämnden",
    "SN": "socialnämnden",
    "VON": "vård- och omsorgsnämnden",
    "MHN": "miljö- och hälsoskyddsnämnden",
    "KFN": "kultur- och fritidsnämnden",
    "KS": "kommunstyrelsen",
}

FIRST_NAMES = (
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Emma",
    "Kerstin",
    "Ingrid",
    "Elin",
    "Johanna",
    "Malin",
    "Fatima",
    "Sofia",
    "Linnéa",
    "Ida",
    "Maja",
    "Amira",
    "Hanna",
    "Birgitta",
    "Lars",
    "Mikael",
    "Anders",
    "Johan",
    "Per",
    "Erik",
    "Karl",
    "Peter",
    "Thomas",
    "Daniel",
    "Mohammed",
    "Ali",
    "Oskar",
    "Gustav",
    "Jonas",
    "Fredrik",
    "Magnus",
    "Ahmed",
    "Emil",
    "Björn",
)
LAST_NAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lundgren",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Ali",
    "Mohammed",
    "Hassan",
    "Ahmed",
    "Yilmaz",
    "Nyström",
    "Holm",
    "Sjögren",
)
# Reserved for examples (RFC 2606): no real person gets mail from a demo.
CITIZEN_DOMAINS = ("example.com", "example.org", "example.net", "post.example", "mejl.example")
# Numbers Post- och telestyrelsen sets aside for fiction.
PHONE_SERIES = ("070-174 06 {:02d}", "08-465 004 {:02d}", "031-390 06 {:02d}")
