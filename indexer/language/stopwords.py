"""Function words per language: articles, prepositions, conjunctions, pronouns, auxiliary and
copula forms, and the commonest particles.

Owns the word lists and the test whether a word is one of them. Imports only the standard
library.

The lists are deliberately conservative: a word that is also a content word a reader might
search for in the same language stays out, even if it is usually a function word. So English
has no ``it`` (IT), ``us`` (US), ``who`` (WHO), ``will`` or ``may``; Czech and Slovak no
``být``/``byť`` (they fold to ``byt``, a flat); French no ``été`` (summer), ``car`` (coach) or
``or``; Italian, Spanish and Portuguese no ``stato``/``estado`` (the State); Romanian no ``față``
(folds to ``fata``, a girl); Hungarian no ``úgy`` (folds to ``ugy``, a matter). Each list is for
its own language only: ``de`` is a function word in Spanish, French, Portuguese, Romanian and
Hungarian, not in English or Czech.

Matching (``is_stopword``): the word is lower-cased; a word written with diacritics must be in
the list as written, a word written without any also matches the folded list (Czech ``ze``
matches ``že`` as well as ``ze``), so a typed ``fel`` is a Hungarian preverb but ``fél`` (half)
is not.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from .folding import fold

_WORDS: dict[str, str] = {
    "cs": """
        a i o u v ve k ke s se z ze na do od ode po pro při za před přede pod nad mezi bez přes
        proti kvůli podle kromě během u vůči skrz
        ale nebo anebo ani či že aby když protože pokud jestli jestliže zda než jako jak kde
        kdy kam odkud proč tedy však ovšem proto tak také taky též jen jenom pouze velmi ještě
        již už ne nejen sice totiž
        co kdo čí který která které kterou kterého kterému kterým kterých kterými kteří jenž
        jež jehož jejíž jemuž
        jsem jsi je jsme jste jsou byl byla bylo byli byly bude budou budu budeš budeme budete
        by bych bys bychom byste není nejsou nebyl nebude
        já ty on ona ono my vy oni ony mě mne mi mně tě ti tebe tobě ho jej jeho jí její jejich
        jim jimi nám nás námi vám vás vámi něj němu něm ní nich nimi se si sebe sobě
        můj moje mého mému mém tvůj tvoje svůj svá své svého svému svém svou svým svých svými
        náš naše našeho našich váš vaše
        ten ta to ti ty toho tomu tom tím té tu tou těch těm těmi tento tato toto tito tyto
        tohoto této tomto těchto tyto onen
    """,
    "sk": """
        a i o u v vo k ku s so z zo na do od odo po pre pri za pred pod nad medzi bez cez proti
        kvôli podľa okrem počas voči
        ale alebo ani či že aby keď pretože lebo ak pokiaľ než ako kde kedy kam odkiaľ prečo
        teda však preto tak tiež aj len iba veľmi ešte už nie ne nielen totiž
        čo kto čí ktorý ktorá ktoré ktorú ktorého ktorému ktorom ktorým ktorých ktorými ktorí
        som si je sme ste sú bol bola bolo boli bude budú budem budeš budeme budete by nebol
        nebude
        ja ty on ona ono my vy oni ony ma mňa mi mne teba tebe ťa ti ho jeho mu jej ju ich im
        nás nám vás vám neho nemu ňom nej ňu nich nim nimi sa sebe seba
        môj moja moje tvoj svoj svoja svoje svojho svojej svojich svojim náš naša naše váš vaša
        ten tá to tí tie toho tomu tom tým tej tú tých tento táto toto títo tieto tohto tejto
    """,
    "bg": """
        и а но или ни нито че да ако когато докато защото понеже като както където дали обаче
        въпреки така също още вече само много най по пак дори нали
        в във на с със за от до при без през под над пред след между към около чрез срещу
        заради поради освен сред спрямо покрай
        съм си е сме сте са бях беше бе бяхме бяха бил била било били бъде бъдат ще щеше би бих
        биха бихме не няма
        аз ти той тя то ние вие те мен мене ме ми теб тебе ти него го му нея я ѝ нас ни вас ви
        тях ги им себе се
        мой моя мое мои твой твоя негов нейна негова неин нейн наш наша наше наши ваш техен
        техния свой своя свое свои
        този тази това тези онзи онази онова онези кой коя кое кои който която което които
        чийто чиято какво какъв каква какви
    """,
    "hu": """
        a az egy és vagy de hogy mint ha is sem se nem ne csak már még meg el ki be fel le át
        rá pedig azonban mert tehát illetve valamint hanem vagyis azaz sőt szintén igen
        ez azt ezt ezek azok ennek annak ebben abban erre arra ezzel azzal itt ott
        én te ő mi ti ők engem téged őt minket titeket őket nekem neked neki nekünk nektek
        nekik vele velük róla
        van volt lesz lett nincs nincsenek vannak voltak lesznek lenne legyen kell lehet
        amely amelyek amelyet amelynek amelyben ami amit amik aki akik akit akinek ahol amikor
        ahogy hol mikor miért hogyan melyik
        szerint között alatt után előtt mellett által nélkül miatt számára során keresztül
        óta ellen iránt
        minden mindig nagyon
    """,
    "ro": """
        și sau dar iar ci că să dacă deși fiindcă deoarece când unde cum ce care cine căruia
        cărei căror ori nici
        al a ai ale lui lor un o unui unei unor niște cel cea cei cele
        în la de din pe cu pentru prin spre fără despre între după până sub peste printre
        dintre asupra către
        eu tu el ea noi voi ei ele mă te se ne vă îl îi le mi ți își îmi îți mie ție sine
        meu mea mei mele tău ta tăi tale său sa săi sale nostru noastră noștri noastre vostru
        voastră
        acest această acești aceste acel acea acei acele acesta aceasta aceștia acestea acela
        aceea aceia acelea
        este e sunt ești suntem sunteți era erau fost fi fie va vor vom vei veți aș ar am are
        au avea aveau avem aveți nu mai foarte doar chiar deja încă tot
    """,
    "es": """
        el la los las lo un una unos unas al del
        de a en con por para sin sobre entre hacia hasta desde contra según ante tras mediante
        y e o u ni pero sino que porque como cuando donde si aunque pues mientras
        yo tú él ella ellos ellas nosotros nosotras vosotros vosotras usted ustedes me te se
        nos os le les mí ti sí conmigo contigo consigo
        mi mis tu tus su sus nuestro nuestra nuestros nuestras vuestro vuestra vuestros
        vuestras
        este esta estos estas ese esa esos esas aquel aquella aquellos aquellas esto eso
        aquello qué quién quienes cuál cuáles cuyo cuya cuyos cuyas
        es son soy eres somos era eran fue fueron ser sea sean sido siendo será serán sería
        está están estoy estamos estaba estaban estar ha han he has hemos había habían hay
        no muy más ya también tan
    """,
    "it": """
        il lo la i gli le un uno una
        di a da in con su per tra fra del dello della dei degli delle al allo alla ai agli
        alle dal dallo dalla dai dagli dalle nel nello nella nei negli nelle sul sullo sulla
        sui sugli sulle col coi
        e ed o od ma però né che se perché come quando dove anche più già non mentre oppure
        io tu lui lei noi voi loro egli ella esso essa essi esse mi ti si ci vi ne me te sé
        mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra nostri nostre vostro
        vostra vostri vostre
        questo questa questi queste quello quella quelli quelle quel quei chi cui quale quali
        è sono sei siamo siete era erano fu furono sarà saranno sarebbe sia siano essere stata
        ho hai ha abbiamo avete hanno aveva avevano
    """,
    "el": """
        ο η το οι τα του της των τον την τη τους τις ένας μία μια ένα ενός μιας έναν
        και κι ή αλλά ούτε μήτε όμως ενώ αν εάν ότι πως που πού πώς επειδή όταν όπως όπου αφού
        σε στο στη στην στον στα στους στις από με για προς χωρίς κατά μετά παρά μέχρι ως έως
        μεταξύ
        εγώ εσύ αυτός αυτή αυτό αυτοί αυτές αυτά αυτού αυτής αυτών αυτόν αυτήν αυτούς εμείς
        εσείς μου σου μας σας
        οποίος οποία οποίο οποίοι οποίες οποία οποίου οποίας οποίων οποίον οποίους ποιος ποια
        ποιο τι
        είναι είμαι είσαι είμαστε είστε ήταν ήμουν έχει έχουν έχω έχουμε είχε είχαν θα να δεν
        μην μη δε
        επίσης πολύ ήδη ακόμη ακόμα μόνο πιο
    """,
    "en": """
        a an the
        and or but nor if than as because while although though whether so that
        this these those what which whom whose where when why how
        of in on at by for with without from to into onto about above below over under
        between among through during before after against within towards toward upon via
        i me my mine myself you your yours yourself he him his himself she her hers herself
        its itself we our ours ourselves they them their theirs themselves
        is are was were be been being am do does did have has had having would should could
        can shall must not no there here also very too just such each any some both
    """,
    "pl": """
        i a o w we z ze na do od ode po za przez przed pod nad przy dla bez u między oraz
        ku wobec według podczas poza
        lub albo ale lecz czy że aby bo gdyż ponieważ jeśli jeżeli gdy kiedy gdzie jak
        niż więc jednak także też już jeszcze tylko bardzo nie tak
        który która które którego której którym których którzy którą co kto czego czym kogo
        komu
        jest są był była było byli były będzie będą być jestem jesteś jesteśmy jesteście
        ja ty on ona ono my wy oni one mnie mi ciebie cię ci go jego jej ich im nim nią niego
        niej nich nam nas wam was się sobie siebie
        mój moja moje twój swój swoja swoje swoich swoim swojej nasz nasza nasze wasz wasza
        ten ta to te tego tej tym tych temu tę tą tymi
    """,
    "hr": """
        i a ali ili te pa da jer ako kad kada dok što tko koji koja koje kojeg kojem kojima
        kojih kojoj čiji gdje kako nego niti li već još samo vrlo također
        u na za od do iz s sa k ka o po pri pod nad pred prema kroz bez između među
        je su sam si smo ste bio bila bilo bili bile biti će ću ćeš ćemo ćete bi bih bismo biste
        nije nisu nisam ne
        ja ti on ona ono mi vi oni one me mene meni te tebe tebi ga njega mu njemu nju joj
        njoj ih njih im njima nas nama vas vama se sebe sebi
        moj moja moje tvoj njegov njegova njezin njezina njihov njihova njihove svoj svoja
        svoje svojih svojim naš naša naše vaš vaša
        taj ta to ti tog toga tom tome toj tu tih tim ovaj ova ovo ovi ove ovog ovoj ovom onaj
    """,
    "sl": """
        in ali pa a tudi da ker če ko kot kjer kako kdo kaj ki kateri katera katero katere
        katerih katerim vendar ampak oziroma ter še že samo zelo le tako niti
        v na z s za od do iz po pri o k h pod nad pred med brez skozi proti zaradi
        je so sem si smo ste sta bil bila bilo bili bile biti bo bodo bom boš bomo boste bi ni
        niso nisem ne
        jaz ti on ona ono mi vi oni one me mene meni te tebe ga njega mu njemu jo njo ji njej
        jih njih jim njim nas nam vas vam se sebe sebi
        moj moja moje tvoj njegov njegova njen njena njihov njihova svoj svoja svoje svojih
        naš naša naše vaš vaša
        ta to te ti tega temu tem tej tisti tista tisto
    """,
    "de": """
        der die das den dem des ein eine einen einem einer eines
        und oder aber sondern denn doch dass ob wenn weil als wie wo wann was wer wen wem
        daß wessen welche welcher welches welchen welchem sowie sowohl jedoch
        in im an am auf aus bei beim mit nach seit von vom zu zum zur für über unter vor
        hinter neben zwischen durch gegen ohne um bis ins ans
        ich du er sie es wir ihr mich mir dich dir ihn ihm ihnen uns euch sich
        mein meine dein deine sein seine seinen seinem seiner seines ihre ihren ihrem ihrer
        ihres unser unsere euer eure
        dieser diese dieses diesen diesem jener jene jenes
        ist sind bin bist seid war waren wird werden wurde wurden worden hat haben hatte
        hatten habe kann können muss müssen soll sollen sollte will
        nicht kein keine keinen keinem keiner auch noch schon nur sehr so man
    """,
    "fr": """
        le la les un une des du de au aux
        à dans par pour avec sans sous sur chez entre vers contre selon envers parmi
        et ou mais donc ni que qui quoi dont où si comme quand lorsque puisque quoique
        je tu il elle on nous vous ils elles me te se moi toi soi lui leur eux y en
        mon ma mes ton ta tes son sa ses notre nos votre vos leurs
        ce cet cette ces ceci cela ça celui celle ceux celles lequel laquelle lesquels
        lesquelles auquel duquel
        est sont suis es sommes êtes était étaient étais sera seront serait soit soient fut
        être a ai as avons avez ont avait avaient aura auront aurait ait eu
        ne pas plus aussi très tout tous toute toutes même
    """,
    "pt": """
        o a os as um uma uns umas
        de do da dos das em no na nos nas num numa por pelo pela pelos pelas para com sem sob
        sobre entre até desde contra ao aos à às perante
        e ou mas nem que porque como quando onde se embora pois enquanto
        eu tu ele ela eles elas nós vós você vocês me te lhe lhes mim ti si comigo contigo
        consigo
        meu minha meus minhas teu tua seu sua seus suas nosso nossa nossos nossas vosso vossa
        este esta estes estas esse essa esses essas aquele aquela aqueles aquelas isto isso
        aquilo quem qual quais cujo cuja cujos cujas
        é são sou somos era eram foi foram ser será serão seria seja sejam sido sendo está
        estão estou estava estavam estar tem têm tenho temos tinha tinham há havia
        não muito mais já também tão
    """,
}

STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(unicodedata.normalize("NFC", text).split()) for lang, text in _WORDS.items()
}
FOLDED_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(map(fold, words)) for lang, words in STOPWORDS.items()
}


def _languages_by_word(lists: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for lang, words in lists.items():
        for word in words:
            found.setdefault(word, set()).add(lang)
    return {word: frozenset(langs) for word, langs in found.items()}


_BY_WORD = _languages_by_word(STOPWORDS)
_BY_FOLDED = _languages_by_word(FOLDED_STOPWORDS)
_NONE: frozenset[str] = frozenset()


@lru_cache(maxsize=65536)
def _lowered(word: str) -> tuple[str, bool]:
    """(lower-case NFC word, whether it is written without diacritics)."""
    lowered = unicodedata.normalize("NFC", word.lower())
    return lowered, fold(lowered) == lowered


def is_stopword(lang: str, word: str) -> bool:
    """True if ``word`` is a function word of ``lang`` (False for a language without a list).
    A word without diacritics also matches the list's folded forms."""
    lowered, plain = _lowered(word)
    if lowered in STOPWORDS.get(lang, _NONE):
        return True
    return plain and lowered in FOLDED_STOPWORDS.get(lang, _NONE)


def stopword_languages(word: str) -> frozenset[str]:
    """The languages in which ``word`` is a function word (matched as in ``is_stopword``)."""
    lowered, plain = _lowered(word)
    exact = _BY_WORD.get(lowered, _NONE)
    return exact | _BY_FOLDED.get(lowered, _NONE) if plain else exact
