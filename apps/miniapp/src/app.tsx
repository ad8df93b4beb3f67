import type { PropsWithChildren } from 'react';
// NutUI's global theme variables; each component's own CSS comes on demand (babel.config.js).
import '@nutui/nutui-react-taro/dist/styles/themes/default.css';
import { listenForPrivacyPrompts } from './platform';
import './app.scss';

// weapp: WeChat asks before phone, location and subscribe-message calls; our sheet answers.
listenForPrivacyPrompts();

function App({ children }: PropsWithChildren) {
  // children is the page being shown
  return children;
}

export default App;
