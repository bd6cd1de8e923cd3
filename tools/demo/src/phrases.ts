// Conversation snippets for the demo data set, per language: alternating user / agent lines.
// {first} is the user's first name, {order} an order number.

export type Lang =
  'de' | 'es' | 'fr' | 'ja' | 'ar' | 'pt' | 'en' | 'it' | 'vi' | 'uk' | 'sv' | 'tr';

export interface LangBank {
  topics: string[][];
  caption: string;
  docCaption: string;
  city: string;
}

export const PHRASES: Record<Lang, LangBank> = {
  de: {
    topics: [
      [
        'Hallo! Ist meine Bestellung #{order} schon unterwegs?',
        'Hallo {first}! Ja, Ihr Paket ist gestern rausgegangen und kommt voraussichtlich morgen.',
        'Super, danke! Kann ich die Lieferadresse noch ändern?',
        'Direkt leider nicht mehr – ich kann aber eine Umleitung an eine Packstation beantragen.',
        'Ja bitte, Packstation 112 in Köln.',
        'Erledigt ✅ Sie bekommen gleich eine Bestätigung per E-Mail.',
        'Vielen Dank für die schnelle Hilfe!',
      ],
      [
        'Guten Tag, ich hätte gern einen Beratungstermin nächste Woche.',
        'Gern! Passt Ihnen Dienstag um 14:00 oder Donnerstag um 10:00?',
        'Donnerstag 10 Uhr wäre perfekt.',
        'Eingetragen: Donnerstag, 10:00 Uhr. Ich schicke Ihnen am Vortag eine Erinnerung.',
        'Prima, bis dann!',
      ],
    ],
    caption: 'So sah das Paket bei der Ankunft aus 😕',
    docCaption: 'Rechnung anbei – bitte prüfen',
    city: 'Köln',
  },
  es: {
    topics: [
      [
        'Hola, ¿me pueden confirmar la cita del jueves?',
        '¡Hola {first}! Sí, su cita está confirmada para el jueves a las 10:30.',
        'Perfecto. ¿Puedo llevar a mi hermana también?',
        'Claro que sí, no hay ningún problema 😊',
        'Sí, confirmo la cita del jueves a las 10:30 👍',
      ],
      [
        'Buenas tardes, el pedido #{order} llegó incompleto 😟',
        'Lo siento mucho, {first}. ¿Qué artículo falta?',
        'Faltan las dos tazas de cerámica.',
        'Ya lo registré: le enviamos las tazas mañana sin costo adicional.',
        '¡Muchas gracias por la rapidez!',
      ],
    ],
    caption: 'Así llegó la caja 📦',
    docCaption: 'Adjunto el comprobante de pago',
    city: 'Ciudad de México',
  },
  fr: {
    topics: [
      [
        'Bonjour, est-ce que vous livrez le samedi ?',
        'Bonjour {first} ! Oui, nous livrons le samedi matin entre 9h et 13h.',
        'Parfait, je voudrais commander deux boîtes de croissants.',
        'C’est noté : 2 boîtes de croissants pour samedi. Le total est de 17 €.',
        'Merci beaucoup, à samedi !',
      ],
      [
        'Bonsoir, ma commande #{order} n’est toujours pas arrivée.',
        'Bonsoir {first}, je vérifie tout de suite auprès du transporteur.',
        'Merci, c’est assez urgent, c’est pour un anniversaire 🎂',
        'Le colis sera livré demain avant midi, je vous le garantis.',
        'Super, merci pour votre aide !',
      ],
    ],
    caption: 'Voici la photo du produit abîmé',
    docCaption: 'Ma facture en pièce jointe',
    city: 'Lyon',
  },
  ja: {
    topics: [
      [
        'こんにちは。注文番号 #{order} の配送状況を教えてください。',
        '{first}様、お問い合わせありがとうございます。明日の午前中にお届け予定です。',
        'ありがとうございます！時間指定はできますか？',
        'はい、14時〜16時の枠に変更いたしました。',
        '助かりました。よろしくお願いします🙏',
      ],
    ],
    caption: '届いた商品が破損していました 📦💔',
    docCaption: '領収書を添付します',
    city: '東京',
  },
  ar: {
    topics: [
      [
        'مرحباً، أريد تغيير عنوان التوصيل للطلب #{order}',
        'أهلاً {first}! بالتأكيد، ما هو العنوان الجديد؟',
        'دبي مارينا، البرج ٣، الشقة ١٢٠٤',
        'تم تحديث العنوان بنجاح ✅ سيصل الطلب غداً.',
        'شكراً جزيلاً 🌹',
      ],
    ],
    caption: 'هذه صورة المنتج',
    docCaption: 'الفاتورة مرفقة',
    city: 'دبي',
  },
  pt: {
    topics: [
      [
        'Oi! Vocês entregam em Curitiba?',
        'Olá {first}! Entregamos sim, em até 3 dias úteis.',
        'Ótimo! E o frete é grátis acima de quanto?',
        'Acima de R$ 199 o frete é grátis 😉',
        'Perfeito, vou fechar o pedido hoje.',
      ],
      [
        'Bom dia, quero trocar o tamanho do tênis do pedido #{order}.',
        'Bom dia, {first}! Qual tamanho você precisa?',
        'O 42, por favor.',
        'Troca registrada. O entregador leva o 42 e recolhe o 41 na quinta.',
        'Valeu!',
      ],
    ],
    caption: 'Olha a foto do defeito',
    docCaption: 'Segue a nota fiscal',
    city: 'Curitiba',
  },
  en: {
    topics: [
      [
        'Hi! I saw your ad — is the winter sale still on?',
        'Hi {first}! Yes, 30% off all jackets until Sunday.',
        'Great, do you have the parka in medium?',
        'We do — in navy and olive. Shall I reserve one for you?',
        'Navy please!',
        'Reserved ✅ It’s waiting for you at the Dublin store.',
      ],
      [
        'Hello, I need an invoice for order #{order} with my company details.',
        'Of course, {first}. Please send me the company name and VAT number.',
        'Carter & Co Ltd, GB123456789',
        'Thanks! The corrected invoice is on its way to your inbox.',
        'Got it, thank you.',
      ],
    ],
    caption: 'This is what arrived 😬',
    docCaption: 'Purchase order attached',
    city: 'Dublin',
  },
  it: {
    topics: [
      [
        'Buongiorno, avete ancora il divano grigio in offerta?',
        'Buongiorno {first}! Sì, è disponibile in magazzino.',
        'Quanto tempo per la consegna a Milano?',
        'Circa 5 giorni lavorativi, montaggio incluso.',
        'Perfetto, grazie mille!',
      ],
    ],
    caption: 'Ecco lo spazio in salotto',
    docCaption: 'Allego il preventivo firmato',
    city: 'Milano',
  },
  vi: {
    topics: [
      [
        'Chào shop, đơn hàng #{order} của mình khi nào giao ạ?',
        'Chào {first}! Đơn hàng sẽ được giao vào thứ Năm.',
        'Mình muốn đổi sang giao buổi sáng được không?',
        'Được ạ, shop đã đổi sang khung 9:00–11:00.',
        'Cảm ơn shop nhiều!',
      ],
    ],
    caption: 'Video hướng dẫn lắp ráp bị lỗi ở bước 3',
    docCaption: 'Hóa đơn đính kèm',
    city: 'Hà Nội',
  },
  uk: {
    topics: [
      [
        'Добрий день! Чи є у вас зимові куртки розміру M?',
        'Вітаю, {first}! Так, є в чорному та синьому кольорах.',
        'Чудово, відкладіть, будь ласка, синю.',
        'Відклали до п’ятниці 👍',
        'Дякую!',
      ],
    ],
    caption: 'Ось фото, яку модель я шукаю',
    docCaption: 'Рахунок у вкладенні',
    city: 'Київ',
  },
  sv: {
    topics: [
      [
        'Hej! Kan jag beställa smörgåstårta för 12 personer till lördag?',
        'Hej {first}! Absolut, vill du ha räkor eller lax?',
        'Lax, tack. Och utan dill 🙂',
        'Noterat: laxtårta för 12 utan dill, klar lördag kl. 11.',
        'Toppen, tack!',
      ],
    ],
    caption: 'Smörgåstårta för 12 personer? 🎂 Pris: 450 kr/st',
    docCaption: 'Kvitto bifogat',
    city: 'Stockholm',
  },
  tr: {
    topics: [
      [
        'Merhaba, #{order} numaralı siparişimi iptal edebilir miyim?',
        'Merhaba {first}, sipariş henüz kargoya verilmedi, iptal edebiliriz.',
        'Evet, lütfen iptal edin.',
        'İptal edildi; ücret 3 iş günü içinde kartınıza iade edilecek.',
        'Teşekkürler!',
      ],
    ],
    caption: 'Ürünün fotoğrafı',
    docCaption: 'Fatura ekte',
    city: 'İstanbul',
  },
};
